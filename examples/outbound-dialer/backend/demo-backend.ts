// The company's own backend and the agent's web apps, on one origin (DEMO_PORT): the agent
// desktop at /, the customer's phone at /phone, and the JSON API both call. The API holds the
// Tandem credentials; the browser pages never see them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TandemApiError, type TandemClient } from '@tandem/client';
import { AGENT, CUSTOMERS, SHOP_CUSTOMER } from './customers.ts';
import { Dialer } from './dialer.ts';
import { HttpError, readJson, sendFile, sendJson, sendText } from './http-responses.ts';

const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface DemoBackendContext {
  tandem: TandemClient;
  /** Tandem's public URL: the desk loads the console from it. */
  tandemUrl: string;
  shopOrigin: string;
  /** Built browser scripts by file name (desk.js, phone.js). */
  scripts: ReadonlyMap<string, string>;
  ringMs?: number;
}

export interface DemoBackend {
  server: Server;
  /** Set once Tandem is up and the demo's credentials are known; until then the API answers 503. */
  ready(context: DemoBackendContext): void;
  close(): Promise<void>;
}

const PAGES: Record<string, [dir: string, file: string]> = {
  '/': ['desk', 'index.html'],
  '/desk.css': ['desk', 'desk.css'],
  '/phone': ['phone', 'index.html'],
  '/phone.css': ['phone', 'phone.css'],
};

export function createDemoBackend(): DemoBackend {
  let context: DemoBackendContext | null = null;
  let dialer: Dialer | null = null;

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!context || !dialer) throw new HttpError(503, 'starting', 'The demo is still starting: try again in a moment.');
    const { tandem } = context;
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (method === 'GET' && path === '/api/config') {
      return sendJson(res, 200, { tandemUrl: context.tandemUrl, shopUrl: context.shopOrigin, agent: AGENT, shopCustomerId: SHOP_CUSTOMER.id });
    }
    if (method === 'GET' && path === '/api/customers') return sendJson(res, 200, { data: CUSTOMERS });
    if (method === 'GET' && path === '/api/calls/current') return sendJson(res, 200, { call: dialer.current() });
    if (method === 'POST' && path === '/api/calls') {
      const body = await readJson(req);
      if (typeof body['customerId'] !== 'string') throw new HttpError(400, 'validation_failed', 'customerId is required');
      return sendJson(res, 201, await dialer.dial(body['customerId']));
    }
    const callRoute = /^\/api\/calls\/(call-[0-9a-f]+)(?:\/(cobrowse|console|hangup|events))?$/.exec(path);
    if (callRoute) {
      const [, id, action] = callRoute as unknown as [string, string, string | undefined];
      if (method === 'GET' && !action) return sendJson(res, 200, dialer.call(id));
      if (method === 'GET' && action === 'events') return sendJson(res, 200, { data: dialer.events(id) });
      if (method === 'POST' && action === 'cobrowse') {
        const key = req.headers['idempotency-key'];
        return sendJson(res, 201, await dialer.cobrowse(id, typeof key === 'string' ? key : undefined));
      }
      if (method === 'POST' && action === 'console') return sendJson(res, 201, await dialer.console(id));
      if (method === 'POST' && action === 'hangup') return sendJson(res, 200, await dialer.hangUp(id));
    }
    if (method === 'GET' && path === '/api/phone/messages') {
      const to = url.searchParams.get('to') ?? SHOP_CUSTOMER.phone;
      if (to.length > 32) throw new HttpError(400, 'validation_failed', 'to is too long');
      const page = await tandem.sms.outbox({ to, limit: 20 });
      return sendJson(res, 200, { data: page.data });
    }
    throw new HttpError(404, 'not_found', `No route ${method} ${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    if (url.pathname.startsWith('/api/')) return api(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'Method not allowed');
    const page = PAGES[url.pathname];
    if (page) return sendFile(res, join(EXAMPLE_DIR, page[0]), page[1]);
    const script = /^\/([a-z]+\.js)$/.exec(url.pathname)?.[1];
    const code = script ? context?.scripts.get(script) : undefined;
    if (code !== undefined) return sendText(res, 200, 'text/javascript; charset=utf-8', code);
    if (url.pathname === '/favicon.ico') return sendText(res, 204, 'text/plain', '');
    throw new HttpError(404, 'not_found', 'Not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.end();
      if (err instanceof HttpError) return sendJson(res, err.status, { error: { code: err.code, detail: err.message } });
      if (err instanceof TandemApiError) return sendJson(res, err.status, { error: { code: err.code, detail: err.detail } });
      process.stderr.write(`demo backend: ${(err as Error).stack ?? String(err)}\n`);
      sendJson(res, 500, { error: { code: 'internal_error', detail: 'Something went wrong in the demo backend' } });
    });
  });

  return {
    server,
    ready(ctx) {
      context = ctx;
      dialer = new Dialer({ tandem: ctx.tandem, shopOrigin: ctx.shopOrigin, ringMs: ctx.ringMs });
    },
    async close() {
      await dialer?.close();
    },
  };
}
