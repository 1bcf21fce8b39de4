import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ERROR_CODES, ERROR_CODE_LIST, type ErrorCode } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';
import { connectedCall } from './fixtures.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes bytes as they are on a raw socket and reads the answer until the server closes or it is whole. */
function rawRequest(url: string, request: string | Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 10 s')), 10_000);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    };
    socket.on('data', (d) => {
      chunks.push(d);
      const text = Buffer.concat(chunks).toString('utf8');
      const headEnd = text.indexOf('\r\n\r\n');
      const length = /content-length:\s*(\d+)/i.exec(text.slice(0, headEnd));
      if (headEnd >= 0 && length && Buffer.byteLength(text.slice(headEnd + 4)) >= Number(length[1])) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', () => chunks.length && finish());
    socket.on('error', (err) => (chunks.length ? finish() : reject(err)));
  });
}

function assertProblem(r: { status: number; contentType: string; body: string }, expected: ErrorCode, what: string) {
  assert.match(r.contentType, /^application\/problem\+json/, `${what}: problem+json, got ${r.contentType} ${r.body.slice(0, 200)}`);
  const p = JSON.parse(r.body) as { code: string; status: number; type: string; title: string; detail: string };
  assert.ok(ERROR_CODE_LIST.includes(p.code as ErrorCode), `${what}: ${p.code} is in the registry`);
  assert.equal(p.code, expected, `${what}: ${r.body.slice(0, 300)}`);
  assert.equal(r.status, ERROR_CODES[expected].status, `${what}: HTTP status`);
  assert.equal(p.status, r.status, `${what}: the body's status`);
  assert.ok(p.detail && p.title && p.type.endsWith(`/${expected}`), `${what}: title, detail and type`);
}

describe('every error the server sends is problem+json with a registry code', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite');
  });
  after(async () => s?.close());

  const viaApi = async (method: string, path: string, body?: unknown, opts?: Parameters<TestServer['api']>[3]) => {
    const r = await s.api(method, path, body, opts);
    return { status: r.status, contentType: r.headers.get('content-type') ?? '', body: r.text, headers: r.headers };
  };
  const viaRaw = async (request: string | Buffer) => {
    const r = await rawRequest(s.url, request);
    return { status: r.status, contentType: r.headers['content-type'] ?? '', body: r.body, headers: r.headers };
  };

  test('NUL bytes and unpaired surrogates in JSON strings, keys, ids, query strings and Basic credentials are 400 validation_failed, never 500', async () => {
    const call = await connectedCall(s);
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
    const cases: [string, () => Promise<{ status: number; contentType: string; body: string }>][] = [
      ['NUL in a JSON string',
        () => viaApi('PUT', `/v1/conversations/${call.id}`, { state: 'connected', customer: { id: 'cus\u0000tomer' }, agent: { id: 'a1' } })],
      ['unpaired surrogate in a JSON string',
        () => viaApi('PUT', `/v1/conversations/${call.id}`, '{"state":"connected","customer":{"id":"c1","name":"\\ud800"},"agent":{"id":"a1"}}')],
      ['NUL in a JSON key', () => viaApi('POST', '/v1/deployments', { name: 'shop', allowedOrigins: ['https://a.example'], 'x\u0000': 1 })],
      ['NUL in a deep array', () => viaApi('POST', '/v1/deployments', { name: 'shop', allowedOrigins: ['https://a.example', 'https://b\u0000.example'] })],
      ['NUL in an id', () => viaApi('GET', '/v1/invites/inv_%00x')],
      ['NUL in a conversation id', () => viaApi('PUT', '/v1/conversations/call%00x', { state: 'connected', customer: { id: 'c1' }, agent: { id: 'a1' } })],
      ['unpaired surrogate in an id', () => viaApi('GET', '/v1/sessions/ses_%ED%A0%80')],
      ['NUL in a query string', () => viaApi('GET', '/v1/sessions?conversationId=a%00b')],
      ['NUL in a form body', () => viaApi('POST', '/oauth/token', 'grant_type=client_credentials&client_id=a%00b&client_secret=x',
        { token: null, headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
      ['NUL in Basic credentials', () =>
        viaApi('POST', '/oauth/token', { grant_type: 'client_credentials' }, { token: null, headers: { authorization: basic('cli\u0000ent', 'secret') } })],
      ['percent-encoded NUL in Basic credentials',
        () => viaApi('POST', '/oauth/token', { grant_type: 'client_credentials' }, { token: null, headers: { authorization: basic('client%00', 'secret') } })],
      ['Basic credentials that are not percent-encoded UTF-8',
        () => viaApi('POST', '/oauth/token', { grant_type: 'client_credentials' }, { token: null, headers: { authorization: basic('client', '%E0%A4%A') } })],
      ['unpaired surrogate in Basic credentials',
        () => viaApi('POST', '/oauth/token', { grant_type: 'client_credentials' }, { token: null, headers: { authorization: basic('%ED%A0%80', 'secret') } })],
    ];
    for (const [what, send] of cases) assertProblem(await send(), 'validation_failed', what);
    assert.equal((await s.api('GET', `/v1/conversations/${call.id}`)).status, 200, 'the server is fine afterwards');
  });

  test("Fastify's own errors, the router's and Node's HTTP parser's map to registry codes", async () => {
    const token = await s.token();
    const auth = `Authorization: Bearer ${token}\r\n`;
    const cases: [ErrorCode, string, () => Promise<{ status: number; contentType: string; body: string }>][] = [
      ['validation_failed', 'FST_ERR_VALIDATION', () => viaApi('POST', '/v1/invites', { conversationId: 5 })],
      ['invalid_json', 'FST_ERR_CTP_INVALID_JSON_BODY', () => viaApi('POST', '/v1/invites', '{"conversationId":')],
      ['invalid_json', 'FST_ERR_CTP_EMPTY_JSON_BODY', () => viaApi('POST', '/v1/invites', '', { headers: { 'content-type': 'application/json' } })],
      ['unsupported_media_type', 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        () => viaApi('POST', '/v1/invites', '<a/>', { headers: { 'content-type': 'application/xml' } })],
      ['body_too_large', 'FST_ERR_CTP_BODY_TOO_LARGE', () => viaApi('POST', '/v1/invites', JSON.stringify({ conversationId: 'x'.repeat(70 * 1024) }))],
      ['validation_failed', 'FST_ERR_BAD_URL', () => viaApi('GET', '/v1/invites/%E0%A4%A')],
      ['uri_too_long', 'FST_ERR_MAX_PARAM_LENGTH', () => viaApi('GET', `/v1/invites/${'x'.repeat(200)}`)],
      ['route_not_found', 'FST_ERR_NOT_FOUND', () => viaApi('GET', '/v1/nothing-here')],
      ['method_not_allowed', 'a known route, another method', () => viaApi('PATCH', '/v1/invites/inv_1', {})],
      ['method_not_allowed', 'a known route, another method', () => viaApi('DELETE', '/healthz')],
      ['invalid_token', 'no bearer token', () => viaApi('GET', '/v1/invites', undefined, { token: null })],
      ['headers_too_large', 'HPE_HEADER_OVERFLOW', () => viaRaw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`)],
      ['bad_request', 'HPE_INVALID_METHOD', () => viaRaw('BR@KEN / HTTP/1.1\r\nHost: x\r\n\r\n')],
      ['bad_request', 'HPE_INVALID_HEADER_TOKEN', () => viaRaw(`GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n`)],
      ['body_too_large', 'raw oversize body', () => viaRaw(
        `POST /v1/invites HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${80 * 1024}\r\n\r\n${'{'.padEnd(80 * 1024, ' ')}`)],
    ];
    for (const [code, what, send] of cases) assertProblem(await send(), code, what);
    const r = await viaApi('PATCH', '/v1/invites/inv_1', {});
    assert.equal(r.headers.get('allow'), 'GET, HEAD, DELETE', '405 names the methods that work');
    assert.equal((await viaApi('OPTIONS', '/v1/nothing-here')).status !== 405, true, 'a CORS preflight route does not make every path 405');
  });
});
