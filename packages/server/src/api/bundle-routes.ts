import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { bundleFile, notModified } from './bundle-cache.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SDK_DIST = path.join(ROOT, 'sdk/dist');
const AGENT_DIST = path.join(ROOT, 'agent/dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The console page's policy, as its own meta tag has it (packages/agent/build.ts writes both): our
 * bundles are the only script, with the page's one inline script allowed by its hash, and the page
 * contacts no server but Tandem: the replica's pictures, fonts and style sheets are the blob:s the
 * console made of what the customer's page sent (replica-assets.ts), never a URL of the customer's
 * site, so a hand-made stream cannot make the agent's browser call anyone. Read again when a build
 * replaces it.
 */
let consolePolicy: { mtimeMs: number; value: string } | undefined;
async function consolePagePolicy(): Promise<string> {
  const file = path.join(AGENT_DIST, 'console-page.json');
  const { mtimeMs } = await stat(file);
  if (consolePolicy?.mtimeMs !== mtimeMs) {
    const { contentSecurityPolicy } = JSON.parse(await readFile(file, 'utf8')) as { contentSecurityPolicy: string };
    consolePolicy = { mtimeMs, value: contentSecurityPolicy };
  }
  return consolePolicy.value;
}

/**
 * The built browser bundles (SDK and agent console) as static files. The server never imports
 * their code; it only hands out what `scripts/build-bundles.sh` produced.
 */
async function sendFile(req: FastifyRequest, reply: FastifyReply, dir: string, name: string, extraHeaders: Record<string, string> = {}) {
  if (!SAFE_NAME.test(name) || name.startsWith('.')) return reply.code(404).type('text/plain').send('not found');
  let file;
  try {
    file = await bundleFile(path.join(dir, name), req.headers['accept-encoding']);
  } catch {
    return reply.code(404).type('text/plain').send(`${name} is not built: run bash scripts/build-bundles.sh`);
  }
  // no-cache: a browser keeps the file but asks each time, so a new build is used at once.
  reply.headers({ 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-cache', etag: file.etag,
    vary: 'accept-encoding', ...extraHeaders });
  if (notModified(req.headers['if-none-match'], file.etag)) return reply.code(304).send();
  if (file.encoding !== 'identity') reply.header('content-encoding', file.encoding);
  return reply.send(file.body);
}

const FileParams = Type.Object({ file: Type.String({ maxLength: 100 }) });

export function bundleRoutes(app: FastifyInstance) {
  app.get('/sdk.js', {
    schema: { tags: ['customer'], summary: 'The SDK loader for the company\'s site: <script src=".../sdk.js" data-deployment="pk_..." async>',
      response: { 200: Type.String(), 404: Type.String() } },
  }, (req, reply) => sendFile(req, reply, SDK_DIST, 'loader.js', { 'access-control-allow-origin': '*' }));

  app.get('/sdk/:file', {
    schema: { tags: ['customer'], summary: 'SDK chunks loaded after consent (capture)', params: FileParams,
      response: { 200: Type.String(), 404: Type.String() } },
  }, (req, reply) => sendFile(req, reply, SDK_DIST, (req.params as { file: string }).file, { 'access-control-allow-origin': '*' }));

  app.get('/console', {
    schema: { tags: ['agents'], summary: 'The agent console page (open the consoleUrl of an agent token)',
      response: { 200: Type.String(), 404: Type.String() } },
  }, async (req, reply) => {
    let policy: string;
    try {
      policy = await consolePagePolicy();
    } catch {
      return reply.code(404).type('text/plain').send('console.html is not built: run bash scripts/build-bundles.sh');
    }
    return sendFile(req, reply, AGENT_DIST, 'console.html', {
      // No script but our own ever runs in the console, whatever a customer's page contains.
      'content-security-policy': policy,
      'referrer-policy': 'no-referrer',
    });
  });

  app.get('/agent/:file', {
    schema: { tags: ['agents'], summary: 'Agent console bundles (also the embeddable <tandem-console> element)', params: FileParams,
      response: { 200: Type.String(), 404: Type.String() } },
  }, (req, reply) => {
    // The element is imported as a module by agent desktops on other origins: public code, so any
    // origin may load it (the token, not the script, is what grants access).
    // Scripts and their maps only: the page (console.html) is served at /console with its headers.
    const { file } = req.params as { file: string };
    if (!/\.js(\.map)?$/.test(file)) return reply.code(404).type('text/plain').send('not found');
    return sendFile(req, reply, AGENT_DIST, file, { 'access-control-allow-origin': '*' });
  });
}
