import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { bundleFile, notModified } from './bundle-cache.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SDK_DIST = path.join(ROOT, 'sdk/dist');
const AGENT_DIST = path.join(ROOT, 'agent/dist');
const AGENT_PUBLIC = path.join(ROOT, 'agent/public');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

// The same policy as the console page's own meta tag: our bundle is the only script, and the
// page contacts no server but Tandem: the replica's pictures, fonts and style sheets are the
// blob:s the console made of what the customer's page sent (replica-assets.ts), never a URL of
// the customer's site, so a hand-made stream cannot make the agent's browser call anyone.
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline' blob:; img-src 'self' data: blob:; font-src data: blob:; " +
    "media-src 'none'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

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
  }, (req, reply) =>
    sendFile(req, reply, AGENT_PUBLIC, 'console.html', {
      // No script but our own bundle ever runs in the console, whatever a customer's page contains.
      'content-security-policy': CONSOLE_CSP,
      'referrer-policy': 'no-referrer',
    }));

  app.get('/agent/:file', {
    schema: { tags: ['agents'], summary: 'Agent console bundles (also the embeddable <tandem-console> element)', params: FileParams,
      response: { 200: Type.String(), 404: Type.String() } },
  }, (req, reply) =>
    // The element is imported as a module by agent desktops on other origins: public code, so any
    // origin may load it (the token, not the script, is what grants access).
    sendFile(req, reply, AGENT_DIST, (req.params as { file: string }).file, { 'access-control-allow-origin': '*' }));
}
