import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHash, randomBytes } from 'node:crypto';
import { FAKE_BROWSER_CLIENT_ID, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_PKCE_CLIENT_ID, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';
import { waitFor } from './genesys-wait.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const AGENT = '3a1f2b4c-0000-4000-8000-00000000a001';
const OTHER = '3a1f2b4c-0000-4000-8000-00000000a002';
const QUEUE = '5b2e3c4d-0000-4000-8000-00000000b001';

describe('genesys: the interaction widget page', () => {
  let fake: FakeGenesys;
  let s: TestServer;
  before(async () => {
    fake = await startFakeGenesys();
    fake.addUser(AGENT, 'Dana Reyes');
    fake.addUser(OTHER, 'Sam Other');
    s = await startTestServer('pglite', { GENESYS_API_BASE_URL: fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '2000' });
  });
  after(async () => {
    await s.close();
    await fake.close();
  });

  /** What the widget page does after the Genesys login sent the agent back. */
  const agentToken = async (userId: string) => {
    fake.signInAs(userId);
    const res =
      await fetch(
        `${fake.baseUrl}/oauth/authorize?response_type=token&client_id=${FAKE_BROWSER_CLIENT_ID}&` +
          `redirect_uri=${encodeURIComponent(`${s.url}/genesys/widget`)}&state=x`, { redirect: 'manual' });
    return new URLSearchParams(new URL(res.headers.get('location')!).hash.slice(1)).get('access_token')!;
  };
  const session =
    (conversationId: string, accessToken: string) => s.api('POST', '/genesys/widget/session', { org: s.orgId, conversationId, accessToken }, { token: null });

  test('the page is served with a CSP that runs only its own script', async () => {
    const res = await fetch(`${s.url}/genesys/widget?org=${s.orgId}&conversationId=abc`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy')!, /script-src 'self'/);
    assert.match(await res.text(), /<script src="\/genesys\/widget\.js">/);
    assert.equal((await fetch(`${s.url}/genesys/widget.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  });

  test('config: not linked → 404; linked without a widget client → 409 that says what to PUT; then the login host and client', async () => {
    assert.equal((await s.api('GET', `/genesys/widget/config?org=${s.orgId}`, undefined, { token: null })).body.code, 'genesys_not_linked');
    const link = { region: 'mypurecloud.com', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET, follow: { queues: [QUEUE] } };
    const first = await s.api('PUT', '/v1/integrations/genesys', link);
    assert.equal(first.status, 201);
    assert.equal(first.body.widgetGrant, 'pkce', 'PKCE unless told otherwise');
    const missing = await s.api('GET', `/genesys/widget/config?org=${s.orgId}`, undefined, { token: null });
    assert.equal(missing.status, 409);
    assert.equal(missing.body.code, 'genesys_widget_not_configured');
    const put = await s.api('PUT', '/v1/integrations/genesys', { ...link, widgetClientId: FAKE_BROWSER_CLIENT_ID, widgetGrant: 'implicit' });
    assert.equal(put.body.widgetUrl, `${s.url}/genesys/widget?org=${s.orgId}&conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}`);
    const cfg = await s.api('GET', `/genesys/widget/config?org=${s.orgId}`, undefined, { token: null });
    assert.deepEqual(cfg.body, { loginBaseUrl: fake.baseUrl, clientId: FAKE_BROWSER_CLIENT_ID, grant: 'implicit' });
    const kept = await s.api('PUT', '/v1/integrations/genesys', { ...link, widgetClientId: FAKE_BROWSER_CLIENT_ID });
    assert.equal(kept.body.widgetGrant, 'implicit', 'a PUT without widgetGrant keeps it');
    assert.equal((await s.api('PUT', '/v1/integrations/genesys', { ...link, widgetGrant: 'password' })).body.code, 'validation_failed');
  });

  test('an agent on the call gets a console for it; another agent, a stranger\'s call or a bad token do not', async () => {
    await waitFor(async () => ((await s.api('GET', '/v1/integrations/genesys')).body.status === 'connected' ? true : null));
    const call = fake.startCall({ customerPhone: '+14155550150', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    await waitFor(async () => ((await s.api('GET', `/v1/conversations/${call.id}`)).body?.state === 'connected' ? true : null));

    const ok = await session(call.id, await agentToken(AGENT));
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.body.consoleUrl, new RegExp(`^${s.url}/console#token=`));
    assert.deepEqual(ok.body.agent, { id: AGENT, name: 'Dana Reyes' });

    const other = await session(call.id, await agentToken(OTHER));
    assert.equal(other.status, 403);
    assert.equal(other.body.code, 'genesys_not_participant');

    const bad = await session(call.id, 'not-a-genesys-token');
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, 'invalid_token');
    assert.match(bad.body.detail, /reload the widget/);

    const unknown = await session('00000000-0000-4000-8000-000000000000', await agentToken(AGENT));
    assert.equal(unknown.body.code, 'genesys_not_participant');
  });

  /** What the page does for PKCE: a verifier, its S256 challenge, the Genesys login, the code back on the redirect URI. */
  const pkceCode = async (userId: string, verifier: string, redirectUri = `${s.url}/genesys/widget`) => {
    fake.signInAs(userId);
    const q = new URLSearchParams({ response_type: 'code', client_id: FAKE_PKCE_CLIENT_ID, redirect_uri: redirectUri,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', state: 'x' });
    const res = await fetch(`${fake.baseUrl}/oauth/authorize?${q.toString()}`, { redirect: 'manual' });
    assert.equal(res.status, 302, await res.text());
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  };
  const pkceSession = (conversationId: string, code: string, codeVerifier: string, redirectUri = `${s.url}/genesys/widget`) =>
    s.api('POST', '/genesys/widget/session', { org: s.orgId, conversationId, code, codeVerifier, redirectUri }, { token: null });

  test('PKCE: the code and its verifier become the agent\'s token at Genesys (no secret on the wire); a wrong verifier or a used code is refused', async () => {
    const link = await s.api('PUT', '/v1/integrations/genesys', { region: 'mypurecloud.com', clientId: FAKE_CLIENT_ID, follow: { queues: [QUEUE] },
      widgetClientId: FAKE_PKCE_CLIENT_ID, widgetGrant: 'pkce' });
    assert.equal(link.status, 200, link.text);
    const cfg = await s.api('GET', `/genesys/widget/config?org=${s.orgId}`, undefined, { token: null });
    assert.deepEqual(cfg.body, { loginBaseUrl: fake.baseUrl, clientId: FAKE_PKCE_CLIENT_ID, grant: 'pkce' });
    await waitFor(async () => ((await s.api('GET', '/v1/integrations/genesys')).body.status === 'connected' ? true : null));
    const call = fake.startCall({ customerPhone: '+14155550151', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    await waitFor(async () => ((await s.api('GET', `/v1/conversations/${call.id}`)).body?.state === 'connected' ? true : null));

    const verifier = randomBytes(48).toString('base64url');
    const code = await pkceCode(AGENT, verifier);
    const ok = await pkceSession(call.id, code, verifier);
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.body.consoleUrl, new RegExp(`^${s.url}/console#token=`));
    assert.deepEqual(ok.body.agent, { id: AGENT, name: 'Dana Reyes' });
    const exchange = fake.requests.findLast((r) => r.url === '/oauth/token')!;
    assert.equal(exchange.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(exchange.headers.authorization, undefined, 'a browser client has no secret');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(exchange.raw.toString())),
      { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: FAKE_PKCE_CLIENT_ID, redirect_uri: `${s.url}/genesys/widget` });

    const reused = await pkceSession(call.id, code, verifier);
    assert.equal(reused.status, 401);
    assert.equal(reused.body.code, 'invalid_token');
    assert.match(reused.body.detail, /invalid_grant.*reload the widget/);

    const wrong = await pkceSession(call.id, await pkceCode(AGENT, verifier), randomBytes(48).toString('base64url'));
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.detail, /code_verifier does not match/);

    const other = await pkceSession(call.id, await pkceCode(OTHER, verifier), verifier);
    assert.equal(other.body.code, 'genesys_not_participant', 'PKCE changes how the agent signs in, not who may cobrowse');

    const short = await pkceSession(call.id, 'c', 'too-short');
    assert.equal(short.status, 400, 'a verifier under 43 characters is not one');
  });
});
