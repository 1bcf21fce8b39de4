import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { buildApp, type TandemApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { GenesysLinkStore } from '../src/integrations/genesys/genesys-link-store.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, genesysError, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';
import { waitFor } from './genesys-wait.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const AGENT = '3a1f2b4c-0000-4000-8000-00000000a001';
const QUEUE = '5b2e3c4d-0000-4000-8000-00000000b001';
const link =
  (secret = FAKE_CLIENT_SECRET) => ({ region: 'mypurecloud.de', clientId: FAKE_CLIENT_ID, clientSecret: secret, follow: { users: [AGENT], queues: [QUEUE] } });

const statusOf = async (s: TestServer) => (await s.api('GET', '/v1/integrations/genesys')).body.status as string;
const statusBecomes = (s: TestServer, match: (status: string) => boolean, what: string) => waitFor(async () => {
  const st = await statusOf(s);
  return match(st) ? st : null;
}, 30_000, what);
const stateBecomes = (s: TestServer, id: string, state: string) =>
  waitFor(async () => ((await s.api('GET', `/v1/conversations/${id}`)).body?.state === state ? true : null), 30_000, `${id} ${state}`);

describe('genesys: trouble with Genesys shows on GET, is counted, backs off and recovers', () => {
  let fake: FakeGenesys;
  let s: TestServer;
  before(async () => {
    fake = await startFakeGenesys();
    s = await startTestServer('pglite', { GENESYS_API_BASE_URL: fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '2000',
      GENESYS_RECONNECT_BASE_MS: '50', GENESYS_RECONNECT_MAX_MS: '300' });
  });
  after(async () => {
    await s.close();
    await fake.close();
  });

  test('429 with Retry-After on the channel: degraded with the wait, then connected', async () => {
    fake.answerNext('channels', genesysError(429, 'too.many.requests', 'Rate limit exceeded the maximum', { 'retry-after': '1' }));
    assert.equal((await s.api('PUT', '/v1/integrations/genesys', link())).status, 201);
    const degraded = await statusBecomes(s, (st) => st.startsWith('degraded'), 'degraded');
    assert.equal(degraded, 'degraded: Genesys rate limit (429), retrying after 1 s');
    await statusBecomes(s, (st) => st === 'connected', 'connected');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /tandem_genesys_failures_total\{org="[^"]+",failure="rate_limited"\} 1/);
    const channelPosts = fake.requests.filter((r) => r.url === '/api/v2/notifications/channels');
    assert.equal(channelPosts.length, 2, 'one refused, one after the wait: no hammering');
  });

  test('a missing permission (403 on subscribe) says so, then recovers', async () => {
    fake.answerNext('subscriptions', genesysError(403, 'missing.permissions', 'You are missing the following permission(s): [conversation:call:view]'));
    fake.dropSockets();
    const degraded = await statusBecomes(s, (st) => st.startsWith('degraded'), 'degraded');
    assert.match(degraded, /lacks a permission.*conversation:call:view/);
    await statusBecomes(s, (st) => st === 'connected', 'connected');
  });

  test('a revoked client: degraded until re-linked with the new secret; the hang-up in between is not lost', async () => {
    const call = fake.startCall({ customerPhone: '+14155550130', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    await stateBecomes(s, call.id, 'connected');

    fake.revokeClient('the-new-secret');
    fake.hangUp(call.id, 'customer', { silently: true });
    fake.dropSockets();
    const degraded = await statusBecomes(s, (st) => st.startsWith('degraded'), 'degraded');
    assert.match(degraded, /refused the OAuth client.*PUT \/v1\/integrations\/genesys/);
    assert.equal((await s.api('GET', `/v1/conversations/${call.id}`)).body.state, 'connected', 'nothing guessed while blind');

    assert.equal((await s.api('PUT', '/v1/integrations/genesys', link('the-new-secret'))).status, 200);
    await statusBecomes(s, (st) => st === 'connected', 'connected');
    await stateBecomes(s, call.id, 'disconnected');
  });

  test('a silent stream (no heartbeat) is replaced', async () => {
    // Stop first: two apps on one PGlite directory would each hold the channel, one unseen by the API.
    await s.stop();
    await s.restart({ GENESYS_HEARTBEAT_TIMEOUT_MS: '300' });
    await statusBecomes(s, (st) => st === 'connected', 'connected');
    const before = fake.connections;
    await waitFor(async () => (fake.connections > before + 1 ? true : null), 30_000, 'new streams after silence');
    const call = fake.startCall({ customerPhone: '+14155550131', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    // Each silent stream lives for the watchdog's 300 ms; a change sent between two streams is not
    // delivered (Genesys keeps no backlog), so the call is published again, as its next change would be.
    await waitFor(async () => {
      if ((await s.api('GET', `/v1/conversations/${call.id}`)).body?.state === 'connected') return true;
      fake.republish(call.id);
      await new Promise((r) => setTimeout(r, 200));
      return null;
    }, 30_000, 'the call through a replaced stream');
  });
});

describe('genesys: one node holds the channel (Postgres lease)', () => {
  let fake: FakeGenesys;
  let s: TestServer;
  let second: TandemApp;
  before(async () => {
    fake = await startFakeGenesys();
    s = await startTestServer('postgres',
      { GENESYS_API_BASE_URL: fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '1000', GENESYS_RECONNECT_BASE_MS: '50' });
  });
  after(async () => {
    await second?.close();
    await s.close();
    await fake.close();
  });

  test('a second node waits while the first holds the lease, and takes over when it stops', async () => {
    assert.equal((await s.api('PUT', '/v1/integrations/genesys', link())).status, 201);
    await statusBecomes(s, (st) => st === 'connected', 'connected');
    second = await buildApp(
      { config: loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: s.config.databaseUrl!, GENESYS_API_BASE_URL:
        fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '1000', GENESYS_RECONNECT_BASE_MS: '50' }), logger: pino({ level: 'silent' }) });
    await second.listen();
    assert.equal(await new GenesysLinkStore(second.services.db).claimLease(s.orgId, 'node_intruder', 1000), false, 'the lease is held');
    assert.equal(fake.liveTopics().length, 2, 'one channel');

    const before = fake.connections;
    await s.stop();
    await waitFor(async () => (fake.connections > before && fake.liveTopics().length === 2 ? true : null), 30_000, 'the second node to take over');
    const call = fake.startCall({ customerPhone: '+14155550140', queueId: QUEUE });
    await waitFor(async () => ((await second.services.conversations.get(s.orgId, call.id).catch(() => null))?.state === 'dialing' ? true : null));
    await s.restart();
  });
});
