import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FAKE_BROWSER_CLIENT_ID, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';
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
    assert.equal((await s.api('PUT', '/v1/integrations/genesys', link)).status, 201);
    const missing = await s.api('GET', `/genesys/widget/config?org=${s.orgId}`, undefined, { token: null });
    assert.equal(missing.status, 409);
    assert.equal(missing.body.code, 'genesys_widget_not_configured');
    const put = await s.api('PUT', '/v1/integrations/genesys', { ...link, widgetClientId: FAKE_BROWSER_CLIENT_ID });
    assert.equal(put.body.widgetUrl, `${s.url}/genesys/widget?org=${s.orgId}&conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}`);
    const cfg = await s.api('GET', `/genesys/widget/config?org=${s.orgId}`, undefined, { token: null });
    assert.deepEqual(cfg.body, { loginBaseUrl: fake.baseUrl, clientId: FAKE_BROWSER_CLIENT_ID });
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
});
