import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { waitFor } from './genesys-wait.ts';

const AGENT = '3a1f2b4c-0000-4000-8000-00000000a001';
const QUEUE = '5b2e3c4d-0000-4000-8000-00000000b001';

describe('genesys: linking an org (PUT/GET/DELETE /v1/integrations/genesys)', () => {
  let fake: FakeGenesys;
  let s: TestServer;
  before(async () => {
    fake = await startFakeGenesys();
    s = await startTestServer('pglite', { GENESYS_API_BASE_URL: fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '1000' });
  });
  after(async () => {
    await s.close();
    await fake.close();
  });

  const body = (over: Record<string, unknown> = {}) => ({ region: 'mypurecloud.ie', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET,
    follow: { users: [AGENT], queues: [QUEUE] }, smsFrom: '+13175550100', ...over });

  test('before linking, GET says no org is linked and how to link one', async () => {
    const r = await s.api('GET', '/v1/integrations/genesys');
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'genesys_not_linked');
    assert.match(r.body.detail, /PUT \/v1\/integrations\/genesys/);
  });

  test('a token without integrations:write is refused', async () => {
    const r = await s.api('PUT', '/v1/integrations/genesys', body(), { token: await s.token(['conversations:write']) });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'insufficient_scope');
    assert.equal(r.body.requiredScope, 'integrations:write');
  });

  test('an unknown region is refused with the list of regions', async () => {
    const r = await s.api('PUT', '/v1/integrations/genesys', body({ region: 'mypurecloud.fr' }));
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
    assert.match(r.body.detail, /usw2\.pure\.cloud/);
  });

  test('wrong credentials are refused at once, and nothing is linked', async () => {
    const r = await s.api('PUT', '/v1/integrations/genesys', body({ clientSecret: 'wrong' }));
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'genesys_credentials_rejected');
    assert.match(r.body.detail, /invalid_client/);
    assert.match(r.body.detail, /region/);
    assert.equal((await s.api('GET', '/v1/integrations/genesys')).status, 404);
  });

  test('following nobody is refused', async () => {
    const r = await s.api('PUT', '/v1/integrations/genesys', body({ follow: {} }));
    assert.equal(r.status, 400);
    assert.match(r.body.detail, /follow\.users or follow\.queues/);
  });

  test('an SMS number that is not a phone number is refused before anything is tried', async () => {
    const before = fake.requests.length;
    const r = await s.api('PUT', '/v1/integrations/genesys', body({ smsFrom: 'ACME' }));
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'invalid_phone');
    assert.equal(fake.requests.length, before, 'Genesys was not asked');
  });

  test('a Genesys that cannot be reached is a 502 that says to retry', async () => {
    fake.answerNext('token', { status: 503, body: '<html>down</html>' });
    const r = await s.api('PUT', '/v1/integrations/genesys', body());
    assert.equal(r.status, 502);
    assert.equal(r.body.code, 'genesys_unavailable');
  });

  test('linking signs in with HTTP Basic on the login host, keeps the secret, never returns it, and the link connects', async () => {
    const r = await s.api('PUT', '/v1/integrations/genesys', body());
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.region, 'mypurecloud.ie');
    assert.equal(r.body.clientId, FAKE_CLIENT_ID);
    assert.equal(r.body.clientSecretSet, true);
    assert.deepEqual(r.body.follow, { users: [AGENT], queues: [QUEUE] });
    assert.equal(r.body.smsFrom, '+13175550100');
    assert.ok(!r.text.includes(FAKE_CLIENT_SECRET), 'the secret is never returned');
    const tokenReq = fake.requests.findLast((q) => q.url === '/oauth/token')!;
    assert.equal(tokenReq.headers.authorization, `Basic ${Buffer.from(`${FAKE_CLIENT_ID}:${FAKE_CLIENT_SECRET}`).toString('base64')}`);
    assert.equal(tokenReq.raw.toString(), 'grant_type=client_credentials');

    const got = await waitFor(async () => {
      const g = await s.api('GET', '/v1/integrations/genesys');
      return g.body.status === 'connected' ? g : null;
    });
    assert.ok(!got.text.includes(FAKE_CLIENT_SECRET));
    assert.deepEqual(fake.liveTopics().sort(), [`v2.routing.queues.${QUEUE}.conversations.calls`, `v2.users.${AGENT}.conversations.calls`]);
  });

  test('a second PUT without the secret keeps it; a new client id without a secret is refused', async () => {
    const r = await s.api('PUT', '/v1/integrations/genesys', { region: 'mypurecloud.ie', clientId: FAKE_CLIENT_ID, follow: { users: [AGENT] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.follow, { users: [AGENT], queues: [] });
    const other = await s.api('PUT', '/v1/integrations/genesys', { region: 'mypurecloud.ie', clientId: 'another-client', follow: { users: [AGENT] } });
    assert.equal(other.status, 400);
    assert.match(other.body.detail, /clientSecret/);
    await waitFor(async () => (fake.liveTopics().length === 1 && fake.liveTopics()[0] === `v2.users.${AGENT}.conversations.calls` ? true : null));
  });

  test('DELETE unlinks: the stream closes and GET is 404 again', async () => {
    assert.equal((await s.api('DELETE', '/v1/integrations/genesys')).status, 204);
    assert.equal((await s.api('GET', '/v1/integrations/genesys')).status, 404);
    await waitFor(async () => (fake.liveTopics().length === 0 ? true : null));
    assert.equal((await s.api('DELETE', '/v1/integrations/genesys')).body.code, 'genesys_not_linked');
  });
});
