// Tokens end when they should: a revoked API client's access and agent tokens within seconds, an
// agent token with its call, and identity tokens that claim to live for years are refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { CLOSE_CODES, SCOPES } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';
import { RelayClient } from './relay-clients.ts';
import { VisitorClient } from './visitor-client.ts';
import { SHOP_ORIGIN, connectedCall, createDeployment, waitUntil } from './fixtures.ts';

/** The close code, or a failure if the socket is still open after `ms` (no test waits forever). */
async function closedWithin(c: RelayClient, ms = 10_000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms);
  });
  try {
    return (await Promise.race([c.closed, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a streamed body until the server ends it ('ended') or `ms` pass ('still open'). */
async function readToEnd(res: Response, ms: number): Promise<'ended' | 'still open'> {
  const reader = res.body!.getReader();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void reader.cancel();
  }, ms);
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) return timedOut ? 'still open' : 'ended';
    }
  } catch {
    return 'still open';
  } finally {
    clearTimeout(timer);
  }
}

async function tokenFor(s: TestServer, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${s.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function agentOn(s: TestServer, conversationId: string, accessToken?: string): Promise<{ token: string; console: RelayClient }> {
  const res = await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId }, accessToken ? { token: accessToken } : {});
  assert.equal(res.status, 201, res.text);
  const console = await RelayClient.open(s.url, '/v1/agent');
  console.send({ type: 'auth', token: res.body.token });
  await console.jsonOf('ready');
  return { token: res.body.token, console };
}

describe('token lifetimes', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite', { IDENTITY_TOKEN_MAX_TTL_SECONDS: '3600' });
  });
  after(async () => s?.close());

  test('revoking an API client ends its access tokens and its agents\' consoles within seconds', async () => {
    const { client, secret } = await s.tandem.services.clients.create(s.orgId, 'dialer-b', [...SCOPES]);
    const access = await tokenFor(s, client.id, secret);
    assert.equal((await s.api('GET', '/v1/sessions', undefined, { token: access })).status, 200);
    const call = await connectedCall(s);
    const agent = await agentOn(s, call.id, access);
    const stream = await fetch(`${s.url}/v1/events/stream`, { headers: { authorization: `Bearer ${access}`, accept: 'text/event-stream' } });
    assert.equal(stream.status, 200);
    const streamEnded = readToEnd(stream, 10_000);

    await s.tandem.services.clients.revoke(s.orgId, client.id);

    const refused = await waitUntil(async () => {
      const res = await s.api('GET', '/v1/sessions', undefined, { token: access });
      return res.status === 401 ? res : null;
    }, 10_000, 'the revoked client\'s access token to be refused');
    assert.equal(refused.body.code, 'invalid_token');
    assert.match(refused.body.detail, /revoked/);
    assert.equal(await closedWithin(agent.console), CLOSE_CODES.UNAUTHORIZED.code, 'the open console is cut off');
    assert.equal(await streamEnded, 'ended', 'the open event stream ends');

    const again = await RelayClient.open(s.url, '/v1/agent');
    again.send({ type: 'auth', token: agent.token });
    assert.equal(await closedWithin(again), CLOSE_CODES.UNAUTHORIZED.code, 'the agent token no longer opens a console');
  });

  test('an agent token ends with its call: the console gets the last events, then the link closes', async () => {
    const call = await connectedCall(s);
    const agent = await agentOn(s, call.id);
    assert.equal((await s.api('PUT', `/v1/conversations/${call.id}`, { state: 'disconnected' })).status, 200);
    assert.equal(await closedWithin(agent.console), CLOSE_CODES.CALL_ENDED.code);
    assert.ok(agent.console.json.some((m) => m.type === 'view' && m.view.conversationState === 'disconnected'),
      'the console saw the call end before the close');

    const again = await RelayClient.open(s.url, '/v1/agent');
    again.send({ type: 'auth', token: agent.token });
    assert.equal(await closedWithin(again), CLOSE_CODES.CALL_ENDED.code, 'the token no longer opens a console');

    const late = await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id });
    assert.equal(late.status, 409);
    assert.equal(late.body.code, 'conversation_not_connected');
  });

  test('identity tokens that live longer than IDENTITY_TOKEN_MAX_TTL_SECONDS are refused with a clear message', async () => {
    const dep = await createDeployment(s);
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const sign = (exp: string | number) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('cust-1').setIssuedAt().setExpirationTime(exp).sign(
      new TextEncoder().encode(dep.identitySecret));

    const century = await page.request({ type: 'identify', token: await sign(Math.floor(Date.now() / 1000) + 100 * 365 * 86400) });
    assert.equal(century.type === 'error' && century.code, 'identity_token_invalid');
    assert.match(century.type === 'error' ? century.message : '', /at most 3600 s \(IDENTITY_TOKEN_MAX_TTL_SECONDS\)/);
    const twoHours = await page.request({ type: 'identify', token: await sign('2h') });
    assert.equal(twoHours.type === 'error' && twoHours.code, 'identity_token_invalid');

    const halfHour = await page.request({ type: 'identify', token: await sign('30m') });
    assert.equal(halfHour.type, 'identified');
    page.close();
  });
});
