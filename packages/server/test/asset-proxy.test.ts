// GET /v1/sessions/{id}/asset: Tandem fetches a picture, font or style sheet the customer's page may
// not read, for the agent's console, as an anonymous visitor; never from the server's own network
// unless allowed, never anything but a picture, font or style sheet. A real server and a real
// upstream site, both on loopback.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ASSET_MAX_BYTES, assetProxyPath } from '@tandem/protocol';
import { assetFetcher } from '../src/api/asset-fetcher.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { startedSession, type StartedSession } from './started-session.ts';
import { createDeployment } from './fixtures.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const WOFF2 = Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(60, 1)]);
const CSS = '.partner { background: url(badge.png); }';

let upstream: Server;
let port = 0;
const seen: { path: string; headers: IncomingHttpHeaders; method: string }[] = [];
let s: TestServer;
let session: StartedSession;
let agentToken = '';

function startUpstream(): Promise<void> {
  upstream = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, headers: req.headers, method: req.method ?? '' });
    const send = (type: string, body: string | Buffer) => res.writeHead(200, { 'content-type': type }).end(body);
    if (path === '/badge.png') return send('image/png', PNG);
    // A picture served with a wrong type is still a picture by its first bytes.
    if (path === '/badge-as-text') return send('text/plain', PNG);
    if (path === '/font.woff2') return send('font/woff2', WOFF2);
    if (path === '/style.css') return send('text/css; charset=utf-8', CSS);
    if (path === '/logo.svg') return send('image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    if (path === '/admin.html') return send('text/html', '<h1>internal admin</h1>');
    if (path === '/big.png') return send('image/png', Buffer.concat([PNG, Buffer.alloc(ASSET_MAX_BYTES)]));
    // A big body without a declared length: the cap holds while reading.
    if (path === '/big-chunked.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(PNG);
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(64 * 1024));
      return res.end();
    }
    if (path === '/to-loopback') return res.writeHead(302, { location: `http://127.0.0.1:${port}/badge.png` }).end();
    if (path === '/hop/3') return res.writeHead(302, { location: '/badge.png' }).end();
    if (path.startsWith('/hop/')) return res.writeHead(302, { location: `/hop/${Number(path.slice(5)) + 1}` }).end();
    if (path === '/missing.png') return res.writeHead(404).end();
    if (path === '/slow.png') return void setTimeout(() => send('image/png', PNG), 2000);
    res.writeHead(404).end();
  });
  return new Promise((resolve) => upstream.listen(0, '127.0.0.1', () => {
    port = (upstream.address() as AddressInfo).port;
    resolve();
  }));
}

/** The upstream site by a name the server's allowlist holds (loopback by address is not on it). */
const allowed = (path: string) => `http://localhost:${port}${path}`;

function getAsset(url: string, opts: { token?: string | null; sessionId?: string; cookie?: string } = {}) {
  const token = opts.token === undefined ? agentToken : opts.token;
  return fetch(`${s.url}${assetProxyPath(opts.sessionId ?? session.sessionId, url)}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}) },
  });
}

async function refusal(res: Response): Promise<{ status: number; code: string }> {
  const body = await res.json() as { code: string };
  return { status: res.status, code: body.code };
}

describe('the asset proxy', () => {
  before(async () => {
    await startUpstream();
    s = await startTestServer('pglite', { ASSET_PROXY_ALLOW: 'localhost' });
    const dep = await createDeployment(s);
    session = await startedSession(s, dep);
    const issued = await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: session.call.id });
    assert.equal(issued.status, 201, issued.text);
    agentToken = issued.body.token;
  });
  after(async () => {
    session?.page.close();
    await s?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  test('a picture on an allowed host comes back with its sniffed type, locked down; the upstream request has no cookie or authorization', async () => {
    const before = seen.length;
    const res = await getAsset(allowed('/badge-as-text'), { cookie: 'member=signed-in' });
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    assert.equal(res.headers.get('content-type'), 'image/png', 'the sniffed type, not the one the upstream claimed');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-security-policy'), 'default-src \'none\'');
    assert.match(res.headers.get('cache-control') ?? '', /^private\b/);
    const upstreamRequests = seen.slice(before);
    assert.equal(upstreamRequests.length, 1);
    assert.equal(upstreamRequests[0]!.method, 'GET');
    assert.equal(upstreamRequests[0]!.headers.cookie, undefined, 'no cookie goes upstream');
    assert.equal(upstreamRequests[0]!.headers.authorization, undefined, 'the agent\'s token does not go upstream');
  });

  test('a font by its bytes and a style sheet served as text/css come back', async () => {
    const font = await getAsset(allowed('/font.woff2'));
    assert.equal(font.status, 200);
    assert.equal(font.headers.get('content-type'), 'font/woff2');
    const css = await getAsset(allowed('/style.css'));
    assert.equal(css.status, 200);
    assert.equal(css.headers.get('content-type'), 'text/css');
    assert.equal(await css.text(), CSS);
  });

  test('loopback by address is refused unless allowed, and so is a redirect from an allowed host to it', async () => {
    const before = seen.length;
    assert.deepEqual(await refusal(await getAsset(`http://127.0.0.1:${port}/badge.png`)), { status: 403, code: 'asset_address_refused' });
    assert.deepEqual(await refusal(await getAsset(allowed('/to-loopback'))), { status: 403, code: 'asset_address_refused' });
    assert.deepEqual(seen.slice(before).map((r) => r.path), ['/to-loopback'], 'the loopback address was never contacted');
    assert.deepEqual(await refusal(await getAsset(`file:///etc/passwd`)), { status: 403, code: 'asset_address_refused' });
    assert.deepEqual(await refusal(await getAsset(`http://user:pw@localhost:${port}/badge.png`)), { status: 403, code: 'asset_address_refused' });
  });

  test('without an allowlist, loopback is refused by name and by address, and the metadata address too', async () => {
    const fetchAsset = assetFetcher({ allow: [], maxBytes: ASSET_MAX_BYTES, timeoutMs: 2000, maxRedirects: 3 });
    const before = seen.length;
    const urls = [allowed('/badge.png'), `http://127.0.0.1:${port}/badge.png`, `http://[::1]:${port}/badge.png`, 'http://169.254.169.254/latest/meta-data/'];
    for (const url of urls) {
      await assert.rejects(fetchAsset(url), (err: { code?: string }) => err.code === 'asset_address_refused', url);
    }
    assert.equal(seen.length, before, 'nothing was contacted');
  });

  test('redirects: three are followed, a fourth is not', async () => {
    assert.equal((await getAsset(allowed('/hop/1'))).status, 200, 'hop 1 -> 2 -> 3 -> the picture: three redirects');
    assert.deepEqual(await refusal(await getAsset(allowed('/hop/0'))), { status: 502, code: 'asset_upstream_failed' });
  });

  test('too large, SVG, HTML, an upstream error and a slow upstream are refused with their own codes', async () => {
    assert.deepEqual(await refusal(await getAsset(allowed('/big.png'))), { status: 413, code: 'asset_too_large' });
    assert.deepEqual(await refusal(await getAsset(allowed('/big-chunked.png'))), { status: 413, code: 'asset_too_large' });
    assert.deepEqual(await refusal(await getAsset(allowed('/logo.svg'))), { status: 415, code: 'asset_type_refused' });
    assert.deepEqual(await refusal(await getAsset(allowed('/admin.html'))), { status: 415, code: 'asset_type_refused' });
    assert.deepEqual(await refusal(await getAsset(allowed('/missing.png'))), { status: 502, code: 'asset_upstream_failed' });
    const fetchAsset = assetFetcher({ allow: ['localhost'], maxBytes: ASSET_MAX_BYTES, timeoutMs: 200, maxRedirects: 3 });
    await assert.rejects(fetchAsset(allowed('/slow.png')), (err: { code?: string; detail?: string }) =>
      err.code === 'asset_upstream_failed' && /200 ms/.test(err.detail ?? ''));
  });

  test('no token, an API token, an unknown session and another call\'s session are refused', async () => {
    assert.deepEqual(await refusal(await getAsset(allowed('/badge.png'), { token: null })), { status: 401, code: 'invalid_token' });
    assert.deepEqual(await refusal(await getAsset(allowed('/badge.png'), { token: await s.token() })), { status: 401, code: 'invalid_token' });
    assert.deepEqual(await refusal(await getAsset(allowed('/badge.png'), { sessionId: 'ses_unknown' })), { status: 404, code: 'session_not_found' });
    const other = await s.api('PUT', '/v1/conversations/other-call',
      { state: 'connected', customer: { id: 'cust-other' }, agent: { id: 'agent-8', name: 'Ari' } });
    assert.ok(other.status < 300, other.text);
    const otherToken = (await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-8', conversationId: 'other-call' })).body.token as string;
    assert.deepEqual(await refusal(await getAsset(allowed('/badge.png'), { token: otherToken })), { status: 404, code: 'session_not_found' },
      'an agent of another call cannot use this session');
  });

  test('a session fetches a few at a time: a fifth fetch while four are under way is refused', async () => {
    const slow = await Promise.all(Array.from({ length: 5 }, () => getAsset(allowed('/slow.png'))));
    const statuses = slow.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    const limited = slow.find((r) => r.status === 429)!;
    assert.equal((await refusal(limited)).code, 'asset_limit_reached');
    assert.equal((await getAsset(allowed('/badge.png'))).status, 200, 'once they are done, the next one goes');
  });

  test('an ended session fetches nothing', async () => {
    const ended = await s.api('POST', `/v1/sessions/${session.sessionId}/end`, {});
    assert.ok(ended.status < 300, ended.text);
    assert.deepEqual(await refusal(await getAsset(allowed('/badge.png'))), { status: 404, code: 'session_not_found' });
  });
});

describe('the asset proxy switched off', () => {
  let off: TestServer;
  before(async () => {
    off = await startTestServer('pglite', { ASSET_PROXY: 'false', ASSET_PROXY_ALLOW: 'localhost' });
  });
  after(async () => off?.close());

  test('answers asset_proxy_off and fetches nothing', async () => {
    const call = await off.api('PUT', '/v1/conversations/off-call',
      { state: 'connected', customer: { id: 'cust-off' }, agent: { id: 'agent-7', name: 'Dana' } });
    assert.ok(call.status < 300, call.text);
    const token = (await off.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: 'off-call' })).body.token as string;
    const before = seen.length;
    const res = await fetch(`${off.url}${assetProxyPath('ses_any', `http://localhost:${port}/badge.png`)}`,
      { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(await refusal(res), { status: 404, code: 'asset_proxy_off' });
    assert.equal(seen.length, before);
  });
});
