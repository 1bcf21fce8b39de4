import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TandemApiError, TandemConnectionError, isTandemApiError } from './tandem-error.ts';
import { TandemClient } from './tandem-client.ts';
import { paginate } from './paginate.ts';
import { CLIENT_ID, CLIENT_SECRET, makeEvent, sendJson, sendProblem, startFakeTandemServer, type FakeTandemServer } from './fake-tandem-server.ts';

const conversation = {
  id: 'call-1',
  state: 'connected',
  customer: { id: 'cust-42', phone: '+14155550123' },
  agent: { id: 'a-7', name: 'Dana' },
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  connectedAt: '2024-01-01T00:00:00.000Z',
  disconnectedAt: null,
};

describe('TandemClient over HTTP', () => {
  let server: FakeTandemServer;
  let client: TandemClient;

  before(async () => {
    server = await startFakeTandemServer();
    server.route('PUT', '/v1/conversations/call-1', (req, res) => sendJson(res, 201, { ...conversation, ...JSON.parse(req.body) }));
    server.route('GET', '/v1/conversations/call-1', (_req, res) => sendJson(res, 200, conversation));
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.tokenRequests.length = 0;
    client = new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });

  it('gets one token with client credentials and sends it as Bearer on every call', async () => {
    const body = { state: 'connected', customer: { id: 'cust-42', phone: '+14155550123' }, agent: { id: 'a-7', name: 'Dana' } } as const;
    const [upserted, fetched] = await Promise.all([client.conversations.upsert('call-1', body), client.conversations.get('call-1')]);
    assert.equal(upserted.agent?.name, 'Dana');
    assert.equal(fetched.id, 'call-1');

    assert.equal(server.tokenRequests.length, 1, 'concurrent calls share one token request');
    const tokenRequest = server.tokenRequests[0]!;
    assert.equal(tokenRequest.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(tokenRequest.body), { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });

    const put = server.requests.find((r) => r.method === 'PUT')!;
    assert.equal(put.headers.authorization, 'Bearer tok-1');
    assert.deepEqual(JSON.parse(put.body), body);
    assert.equal(server.requests.find((r) => r.method === 'GET')!.headers.authorization, 'Bearer tok-1');
  });

  it('asks for the configured scopes, space-separated', async () => {
    const scoped =
      new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: ['conversations:write', 'events:read'] });
    await scoped.conversations.get('call-1');
    assert.equal(JSON.parse(server.tokenRequests[0]!.body).scope, 'conversations:write events:read');
  });

  it('turns a problem+json response into a TandemApiError with its code, fields and extensions', async () => {
    server.route('POST', '/v1/invites', (_req, res) => sendProblem(res, 'conversation_not_connected', { currentState: 'dialing' }));
    const error = await client.invites.create({ conversationId: 'call-1' }).catch((e: unknown) => e);
    assert.ok(error instanceof TandemApiError);
    assert.ok(isTandemApiError(error, 'conversation_not_connected'));
    assert.equal(isTandemApiError(error, 'not_found'), false);
    assert.equal(error.status, 409);
    assert.equal(error.requestId, 'req-test');
    assert.equal(error.retryAfter, undefined);
    assert.equal(error.body.currentState, 'dialing');
    assert.match(error.message, /The call is not connected: .*\(request req-test\)/);
  });

  it('reads Retry-After into retryAfter', async () => {
    server.route('POST', '/v1/invites/claim', (_req, res) => sendProblem(res, 'rate_limited', {}, { 'retry-after': '7' }));
    const error = await client.invites.claim({ code: '123456', conversationId: 'call-1' }).catch((e: unknown) => e);
    assert.ok(isTandemApiError(error, 'rate_limited'));
    assert.equal(error.retryAfter, 7);
  });

  it('turns token endpoint errors into the same error class', async () => {
    const wrong = new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: 'wrong' });
    const error = await wrong.conversations.get('call-1').catch((e: unknown) => e);
    assert.ok(isTandemApiError(error, 'invalid_client'));
    assert.equal(error.status, 401);
    assert.equal(server.requests.length, 1, 'an API call is not attempted without a token');
  });

  it('gets a new token and retries once when the server says invalid_token', async () => {
    await client.conversations.get('call-1');
    const refusedAuthorization = server.requests.at(-1)!.headers.authorization;
    server.revokeTokens();
    const fetched = await client.conversations.get('call-1');
    assert.equal(fetched.id, 'call-1');
    assert.equal(server.tokenRequests.length, 2);
    const [refused, retried] = server.requests.filter((r) => r.url.pathname !== '/oauth/token').slice(-2);
    assert.equal(refused!.headers.authorization, refusedAuthorization);
    assert.notEqual(retried!.headers.authorization, refusedAuthorization);
  });

  it('gives up after one retry when the new token is refused too', async () => {
    server.route('GET', '/v1/sessions/ses_1', (_req, res) => sendProblem(res, 'invalid_token'));
    const error = await client.sessions.get('ses_1').catch((e: unknown) => e);
    assert.ok(isTandemApiError(error, 'invalid_token'));
    assert.equal(server.requests.filter((r) => r.url.pathname === '/v1/sessions/ses_1').length, 2);
  });

  it('turns a response without a problem document into a TandemApiError', async () => {
    server.route('GET', '/v1/sessions/ses_2', (_req, res) => void res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    const error = await client.sessions.get('ses_2').catch((e: unknown) => e);
    assert.ok(isTandemApiError(error, 'internal_error'));
    assert.equal(error.status, 502);
    assert.equal(error.detail, '<h1>Bad gateway</h1>');
  });

  it('sends Idempotency-Key, escapes ids in paths and builds list queries', async () => {
    server.route('POST', '/v1/invites', (_req, res) => sendJson(res, 201, { id: 'inv_1' }));
    server.route('GET', '/v1/invites/a%2Fb', (_req, res) => sendJson(res, 200, { id: 'a/b' }));
    server.route('GET', '/v1/events', (_req, res) => sendJson(res, 200, { data: [], nextCursor: null }));
    await client.invites.create({ conversationId: 'call-1', channels: ['code'] }, { idempotencyKey: 'key-1' });
    await client.invites.get('a/b');
    await client.events.list({ after: 5, limit: 10, conversationId: 'call-1', types: ['invite.created', 'session.started'] });

    const [create, get, list] = server.requests.filter((r) => r.url.pathname !== '/oauth/token');
    assert.equal(create!.headers['idempotency-key'], 'key-1');
    assert.equal(get!.url.pathname, '/v1/invites/a%2Fb');
    assert.deepEqual(Object.fromEntries(list!.url.searchParams),
      { after: '5', limit: '10', conversationId: 'call-1', types: 'invite.created,session.started' });
  });

  it('paginates by cursor until a page has no next cursor', async () => {
    const events = [1, 2, 3, 4, 5].map((seq) => makeEvent(seq, 'invite.created'));
    server.route('GET', '/v1/events', (req, res) => {
      const afterSeq = Number(req.url.searchParams.get('after') ?? 0);
      const page = events.filter((e) => e.seq > afterSeq).slice(0, 2);
      // Like the event log: the cursor is the last seq, and the final page hands back `after`.
      sendJson(res, 200, { data: page, nextCursor: String(page.at(-1)?.seq ?? afterSeq) });
    });
    const seen: number[] = [];
    for await (const event of paginate((cursor) => client.events.list({ after: cursor, limit: 2 }))) seen.push(event.seq);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  it('times out a request that gets no answer', async () => {
    server.route('GET', '/v1/sessions/slow', () => undefined);
    const impatient = new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timeoutMs: 150 });
    const error = await impatient.sessions.get('slow').catch((e: unknown) => e);
    assert.ok(error instanceof TandemConnectionError);
    assert.match(error.message, /timed out after 150 ms/);
  });

  it('rejects with the caller\'s reason when the caller aborts', async () => {
    server.route('GET', '/v1/sessions/slow', () => undefined);
    const controller = new AbortController();
    const pending = client.sessions.get('slow', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);
    await assert.rejects(pending, /caller gave up/);
  });
});

describe('TandemClient token lifetime', () => {
  it('refreshes the token before it expires', async (t) => {
    const server = await startFakeTandemServer({ tokenTtlSeconds: 1 });
    t.after(() => server.close());
    server.route('GET', '/v1/conversations/call-1', (_req, res) => sendJson(res, 200, conversation));
    const client = new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });

    await client.conversations.get('call-1');
    await client.conversations.get('call-1');
    assert.equal(server.tokenRequests.length, 1);
    // A 1 s token is replaced at half its life, before the server would refuse it.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await client.conversations.get('call-1');
    assert.equal(server.tokenRequests.length, 2);
    assert.equal(server.requests.at(-1)!.headers.authorization, 'Bearer tok-2');
  });
});

describe('TandemClient connection failures', () => {
  it('reports an unreachable server as TandemConnectionError', async () => {
    const server = await startFakeTandemServer();
    const { baseUrl } = server;
    await server.close();
    const client = new TandemClient({ baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const error = await client.conversations.get('call-1').catch((e: unknown) => e);
    assert.ok(error instanceof TandemConnectionError);
    assert.match(error.message, /Could not reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('rejects options it cannot work with at construction', () => {
    assert.throws(() => new TandemClient({ baseUrl: 'not a url', clientId: 'a', clientSecret: 'b' }), TypeError);
    assert.throws(() => new TandemClient({ baseUrl: 'http://x', clientId: '', clientSecret: 'b' }), TypeError);
  });
});
