import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { CLOSE_CODES } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';
import { SHOP_ORIGIN, createDeployment } from './fixtures.ts';

interface OpenSocket {
  ws: WebSocket;
  closed: Promise<number | 'still open'>;
}

/** A raw socket to one of the WebSocket endpoints, open (handshake done) when it resolves. */
async function openSocket(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<OpenSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers });
  // A socket the server keeps open reads as 'still open' after a while rather than hanging the test.
  const closed = new Promise<number | 'still open'>((resolve) => {
    ws.on('close', (code) => resolve(code));
    setTimeout(() => resolve('still open'), 12_000).unref();
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, closed };
}

/** Sends a bad auth message: an admitted capture or agent socket answers UNAUTHORIZED. */
async function closeCodeAfterBadAuth(s: OpenSocket): Promise<number | 'still open'> {
  s.ws.send(JSON.stringify({ type: 'auth', token: 'nope' }));
  return s.closed;
}

describe('per-source socket caps, TRUST_PROXY and a protected /metrics', () => {
  let direct: TestServer;
  let proxied: TestServer;
  const METRICS_TOKEN = 'scrape-secret-0123456789';
  before(async () => {
    // One after the other: two starting at once can overrun Fastify's plugin timeout on a busy machine.
    direct = await startTestServer('pglite',
      { CAPTURE_SOCKETS_PER_SOURCE: '2', AGENT_SOCKETS_PER_SOURCE: '2', VISITOR_SOCKETS_PER_SOURCE: '2', TOKEN_RATE_LIMIT: '2', METRICS_TOKEN });
    proxied = await startTestServer('pglite', { CAPTURE_SOCKETS_PER_SOURCE: '1', TOKEN_RATE_LIMIT: '2', TRUST_PROXY: 'loopback' });
  });
  after(async () => Promise.all([direct?.close(), proxied?.close()]));

  test('one source holds at most the cap of each socket kind; over it the socket is closed with TOO_MANY_SOCKETS, and a freed place is reusable', async () => {
    const dep = await createDeployment(direct);
    for (const path of ['/v1/capture', '/v1/agent', `/v1/visitor?deployment=${dep.key}`]) {
      const held = [await openSocket(direct.url, path, { origin: SHOP_ORIGIN }), await openSocket(direct.url, path, { origin: SHOP_ORIGIN })];
      const refused = await openSocket(direct.url, path, { origin: SHOP_ORIGIN });
      assert.equal(await refused.closed, CLOSE_CODES.TOO_MANY_SOCKETS.code, `${path}: the third socket from one address`);
      held[0]!.ws.close();
      await held[0]!.closed;
      const again = await openSocket(direct.url, path.startsWith('/v1/visitor') ? '/v1/visitor?deployment=unknown' : path, { origin: SHOP_ORIGIN });
      const code = path.startsWith('/v1/visitor') ? await again.closed : await closeCodeAfterBadAuth(again);
      assert.equal(code, path.startsWith('/v1/visitor') ? CLOSE_CODES.UNKNOWN_DEPLOYMENT.code : CLOSE_CODES.UNAUTHORIZED.code,
        `${path}: a closed socket frees its place`);
      held[1]!.ws.close();
    }
    const text = (await direct.api('GET', '/metrics', undefined, { token: METRICS_TOKEN })).text;
    for (const kind of ['visitor', 'capture', 'agent']) assert.match(text, new RegExp(`tandem_socket_refusals_total\\{kind="${kind}"\\} 1`));
  });

  test('X-Forwarded-For is ignored unless the peer is a trusted proxy; through a trusted one, each client is its own source', async () => {
    // Not trusted: a forged header does not buy a second place.
    const a = await openSocket(direct.url, '/v1/capture', { 'x-forwarded-for': '203.0.113.1' });
    const b = await openSocket(direct.url, '/v1/capture', { 'x-forwarded-for': '203.0.113.2' });
    const c = await openSocket(direct.url, '/v1/capture', { 'x-forwarded-for': '203.0.113.3' });
    assert.equal(await c.closed, CLOSE_CODES.TOO_MANY_SOCKETS.code, 'all three are 127.0.0.1');
    // Trusted (TRUST_PROXY=loopback, cap 1): two clients behind the balancer each get their place.
    const p1 = await openSocket(proxied.url, '/v1/capture', { 'x-forwarded-for': '203.0.113.1' });
    const p2 = await openSocket(proxied.url, '/v1/capture', { 'x-forwarded-for': '198.51.100.7, 203.0.113.2' });
    assert.equal(await closeCodeAfterBadAuth(p2), CLOSE_CODES.UNAUTHORIZED.code, 'another client behind the balancer');
    const p3 = await openSocket(proxied.url, '/v1/capture', { 'x-forwarded-for': '203.0.113.1' });
    assert.equal(await p3.closed, CLOSE_CODES.TOO_MANY_SOCKETS.code, 'the same client again');
    for (const s of [a, b, p1]) s.ws.close();
  });

  test('request.ip follows TRUST_PROXY on HTTP too: per-source token limits count the forwarded client only behind a trusted proxy', async () => {
    const attempt = (server: TestServer, ip: string) =>
      server.api('POST', '/oauth/token', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' },
        { token: null, headers: { 'x-forwarded-for': ip } });
    for (const server of [direct, proxied]) {
      assert.equal((await attempt(server, '203.0.113.1')).status, 401);
      assert.equal((await attempt(server, '203.0.113.1')).status, 401);
      assert.equal((await attempt(server, '203.0.113.1')).status, 429);
    }
    assert.equal((await attempt(direct, '203.0.113.2')).status, 429, 'untrusted: the header is ignored, one source');
    assert.equal((await attempt(proxied, '203.0.113.2')).status, 401, 'trusted: another client');
  });

  test('METRICS_TOKEN protects /metrics: no token or a wrong one is 401 problem+json', async () => {
    const none = await direct.api('GET', '/metrics', undefined, { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'invalid_token');
    assert.match(none.headers.get('content-type') ?? '', /problem\+json/);
    assert.equal((await direct.api('GET', '/metrics', undefined, { token: 'scrape-secret-wrong-56789' })).status, 401);
    const ok = await direct.api('GET', '/metrics', undefined, { token: METRICS_TOKEN });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /tandem_relay_held_bytes/);
    assert.equal((await proxied.api('GET', '/metrics', undefined, { token: null })).status, 200, 'open when no token is configured');
  });
});
