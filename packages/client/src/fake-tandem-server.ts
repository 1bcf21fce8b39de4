/**
 * For the unit tests only: a real HTTP server on 127.0.0.1 that plays Tandem's side, so the
 * client is tested through real sockets, fetch and streaming, not a mocked fetch.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_CODES, PROBLEM_TYPE_BASE, type ErrorCode, type TandemEvent } from '@tandem/protocol';

export const CLIENT_ID = 'client-1';
export const CLIENT_SECRET = 'secret-1';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export type RouteHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeTandemServer {
  baseUrl: string;
  /** Every request in arrival order, the token requests included. */
  requests: RecordedRequest[];
  tokenRequests: RecordedRequest[];
  /** Registers the handler for `GET /v1/...` (the path without query). */
  route(method: string, path: string, handler: RouteHandler): void;
  /** Forget every token issued so far, as a server restart with new keys would. */
  revokeTokens(): void;
  close(): Promise<void>;
}

export async function startFakeTandemServer(options: { tokenTtlSeconds?: number } = {}): Promise<FakeTandemServer> {
  const routes = new Map<string, RouteHandler>();
  const validTokens = new Set<string>();
  const requests: RecordedRequest[] = [];
  const tokenRequests: RecordedRequest[] = [];
  let issued = 0;

  const server = createServer(async (incoming, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const req: RecordedRequest = {
      method: incoming.method ?? 'GET',
      url: new URL(incoming.url ?? '/', 'http://127.0.0.1'),
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(req);
    if (req.method === 'POST' && req.url.pathname === '/oauth/token') {
      tokenRequests.push(req);
      const body = JSON.parse(req.body) as Record<string, string>;
      if (body.client_id !== CLIENT_ID || body.client_secret !== CLIENT_SECRET) return sendProblem(res, 'invalid_client');
      const token = `tok-${++issued}`;
      validTokens.add(token);
      return sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: options.tokenTtlSeconds ?? 3600, scope: body.scope ?? 'all' });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !validTokens.has(token)) return sendProblem(res, 'invalid_token');
    const handler = routes.get(`${req.method} ${req.url.pathname}`);
    if (!handler) return sendProblem(res, 'route_not_found');
    await handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    tokenRequests,
    route: (method, path, handler) => void routes.set(`${method} ${path}`, handler),
    revokeTokens: () => validTokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        // Event streams never end by themselves.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function sendProblem(res: ServerResponse, code: ErrorCode, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  const { status, title, detail } = ERROR_CODES[code];
  res
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ type: PROBLEM_TYPE_BASE + code, code, status, title, detail, requestId: 'req-test', ...extra }));
}

/** Opens an SSE response as the server does. */
export function openEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
  res.flushHeaders();
}

export function sseFrame(event: TandemEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function makeEvent(seq: number, type: TandemEvent['type'], fields: Partial<TandemEvent> = {}): TandemEvent {
  return {
    id: `evt_${seq}`,
    seq,
    type,
    occurredAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    conversationId: 'call-1',
    inviteId: null,
    sessionId: null,
    data: {},
    ...fields,
    // The stream and wait-for tests look at types, ids and seqs: an empty payload stands for any.
  } as TandemEvent;
}
