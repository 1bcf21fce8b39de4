import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDeployment, eventsOf, SHOP_ORIGIN } from './fixtures.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';
import { GenesysLinkStore } from '../src/integrations/genesys/genesys-link-store.ts';
import { waitFor } from './genesys-wait.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { VisitorClient } from './visitor-client.ts';

const AGENT = '3a1f2b4c-0000-4000-8000-00000000a001';
const QUEUE = '5b2e3c4d-0000-4000-8000-00000000b001';

async function linked(fake: FakeGenesys, env: Record<string, string> = {}) {
  const s = await startTestServer('pglite', { GENESYS_API_BASE_URL: fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '2000',
    GENESYS_RECONNECT_BASE_MS: '50', GENESYS_RECONNECT_MAX_MS: '400', SMS_PROVIDER: 'genesys', ...env });
  const r = await s.api('PUT', '/v1/integrations/genesys', { region: 'usw2.pure.cloud', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET,
    follow: { users: [AGENT], queues: [QUEUE] }, smsFrom: '+13175550100' });
  assert.equal(r.status, 201, r.text);
  await connected(s);
  return s;
}

const connected = (s: TestServer) =>
  waitFor(async () => ((await s.api('GET', '/v1/integrations/genesys')).body.status === 'connected' ? true : null), 30_000, 'the link to be connected');
const stateOf = async (s: TestServer, id: string) => {
  const r = await s.api('GET', `/v1/conversations/${id}`);
  return r.status === 200 ? (r.body as { state: string; customer: { phone?: string }; agent: { id: string; name?: string } | null }) : null;
};
const becomes = (s: TestServer, id: string, state: string) => waitFor(async () => {
  const c = await stateOf(s, id);
  return c?.state === state ? c : null;
}, 30_000, `conversation ${id} to be ${state}`);

describe('genesys: a campaign call mirrored into Tandem, SMS through Genesys, hang-up ends the cobrowse', () => {
  let fake: FakeGenesys;
  let s: TestServer;
  before(async () => {
    fake = await startFakeGenesys();
    fake.addUser(AGENT, 'Dana Reyes');
    s = await linked(fake);
  });
  after(async () => {
    await s.close();
    await fake.close();
  });

  test('dialing → connected with the customer\'s number and the agent\'s name → invite by agentless SMS → share → hang-up: session.ended call_ended',
    async () => {
    const call = fake.startCall({ customerPhone: '+14155550123', queueId: QUEUE });
    const dialing = await becomes(s, call.id, 'dialing');
    assert.equal(dialing.customer.phone, '+14155550123');

    fake.connectAgent(call.id, AGENT, QUEUE);
    const live = await becomes(s, call.id, 'connected');
    assert.deepEqual(live.agent, { id: AGENT, name: 'Dana Reyes' });

    const dep = await createDeployment(s);
    const inv = await s.api('POST', '/v1/invites', { conversationId: call.id, returnUrl: `${SHOP_ORIGIN}/cart` });
    assert.equal(inv.status, 201, inv.text);
    await waitFor(async () => (fake.sent.length === 1 ? true : null), 30_000, 'the agentless SMS');
    assert.equal(fake.sent[0]!.toAddress, '+14155550123');
    assert.equal(fake.sent[0]!.fromAddress, '+13175550100');
    assert.ok(fake.sent[0]!.textBody.includes(inv.body.link), fake.sent[0]!.textBody);
    await waitFor(async () => ((await s.api('GET', `/v1/invites/${inv.body.id}`)).body.state === 'delivered' ? true : null), 30_000, 'invite delivered');

    const hop = await fetch(inv.body.link, { redirect: 'manual' });
    const secret = new URL(hop.headers.get('location')!).hash.replace('#tandem=', '');
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    assert.equal((await page.request({ type: 'link.redeem', secret })).type, 'invite');
    const started = await page.acceptInvite(inv.body.id);
    assert.equal(started.type, 'session.started');

    fake.hangUp(call.id, 'customer');
    await becomes(s, call.id, 'disconnected');
    const ended = await waitFor(async () => (await eventsOf(s, call.id)).find((e) => e.type === 'session.ended') ?? null);
    assert.equal(ended.data.reason, 'call_ended');
    page.close();
  });

  test('a duplicate notification changes nothing and adds no event', async () => {
    const call = fake.startCall({ customerPhone: '+14155550124', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    await becomes(s, call.id, 'connected');
    const before = (await eventsOf(s, call.id)).length;
    fake.republish(call.id);
    fake.republish(call.id);
    // A later change proves the duplicates were read (the stream is in order).
    fake.hangUp(call.id, 'agent');
    await becomes(s, call.id, 'disconnected');
    const types = (await eventsOf(s, call.id)).map((e) => e.type);
    assert.equal(types.length, before + 1, types.join(','));
    assert.equal(types.filter((t) => t === 'conversation.updated').length, 3, 'dialing, connected, disconnected: once each');
  });

  test('a hang-up sent while the stream was down still ends the call (resync from the Conversations API)', async () => {
    const call = fake.startCall({ customerPhone: '+14155550125', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    await becomes(s, call.id, 'connected');
    const before = fake.connections;
    fake.hangUp(call.id, 'customer', { silently: true });
    fake.dropSockets();
    await becomes(s, call.id, 'disconnected');
    assert.ok(fake.connections > before, 'a new stream was opened');
    assert.ok(fake.requests.some((r) => r.method === 'GET' && r.url === `/api/v2/conversations/calls/${call.id}`), 'the call was re-read');
  });

  test('a call Genesys no longer knows after a gap is ended', async () => {
    const call = fake.startCall({ customerPhone: '+14155550126', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    await becomes(s, call.id, 'connected');
    fake.calls.delete(call.id);
    fake.expireChannels();
    await becomes(s, call.id, 'disconnected');
  });

  test('a call whose first write was lost (remembered, no conversation) is written at the next resync; one Genesys no longer has is forgotten',
    async () => {
    const store = new GenesysLinkStore(s.tandem.services.db);
    // A call in Genesys whose notification Tandem read and remembered, but whose conversation write failed.
    const call = { id: 'feed0000-0000-4000-8000-000000000001', participants: [
      { id: 'p1', purpose: 'customer' as const, state: 'connected' as const, address: 'tel:+14155550132' },
      { id: 'p2', purpose: 'agent' as const, state: 'connected' as const, user: { id: AGENT } }] };
    fake.calls.set(call.id, call);
    await store.rememberCall(s.orgId, 'feed0000-0000-4000-8000-000000000002');
    await store.rememberCall(s.orgId, call.id);
    fake.dropSockets();
    await becomes(s, call.id, 'connected');
    const forgotten = async () => ((await store.liveCalls(s.orgId)).includes('feed0000-0000-4000-8000-000000000002') ? null : true);
    await waitFor(forgotten, 30_000, 'the unknown call forgotten');
    assert.equal(await stateOf(s, 'feed0000-0000-4000-8000-000000000002'), null, 'no conversation made up for it');
  });

  test('a notification Genesys sends in the same breath as the stream\'s handshake is read', async () => {
    // A call Tandem has not heard of, published only on the next stream the moment it opens.
    const call = { id: 'feed0000-0000-4000-8000-000000000003', participants: [
      { id: 'p1', purpose: 'customer' as const, state: 'dialing' as const, address: 'tel:+14155550134' },
      { id: 'p2', purpose: 'acd' as const, state: 'connected' as const, queue: { id: QUEUE } }] };
    fake.calls.set(call.id, call);
    fake.publishOnNextConnect(call.id);
    fake.dropSockets();
    await becomes(s, call.id, 'dialing');
  });

  test('socket_closing: a new channel, the same topics, and calls keep flowing', async () => {
    const before = fake.connections;
    fake.socketClosing();
    await waitFor(async () => (fake.connections > before && fake.liveTopics().length === 2 ? true : null), 30_000, 'a new channel');
    assert.deepEqual(fake.liveTopics().sort(), [`v2.routing.queues.${QUEUE}.conversations.calls`, `v2.users.${AGENT}.conversations.calls`]);
    const call = fake.startCall({ customerPhone: '+14155550127', queueId: QUEUE });
    await becomes(s, call.id, 'dialing');
  });

  test('Genesys dropping the subscriptions (v2.system.no_longer_subscribed): a new channel subscribes again and calls keep flowing', async () => {
    const before = fake.connections;
    fake.dropSubscriptions();
    await waitFor(async () => (fake.connections > before && fake.liveTopics().length === 2 ? true : null), 30_000, 'a new channel');
    assert.deepEqual(fake.liveTopics().sort(), [`v2.routing.queues.${QUEUE}.conversations.calls`, `v2.users.${AGENT}.conversations.calls`]);
    const call = fake.startCall({ customerPhone: '+14155550129', queueId: QUEUE });
    await becomes(s, call.id, 'dialing');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /tandem_genesys_stream_ends_total\{org="[^"]+",reason="subscription_lost"\} 1/);
  });

  test('a channel about to expire (its `expires`) is replaced before Genesys drops it', async () => {
    // Tandem starts over five minutes before `expires`: a channel living five minutes and a second is renewed after a second.
    fake.expireNextChannelIn(5 * 60_000 + 1000);
    const before = fake.connections;
    fake.dropSockets();
    await waitFor(async () => (fake.connections > before + 1 ? true : null), 30_000, 'the short-lived channel, then its successor');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /tandem_genesys_stream_ends_total\{org="[^"]+",reason="channel_expiring"\} [1-9]/);
    await waitFor(async () => (fake.liveTopics().length === 2 ? true : null), 30_000, 'a live channel');
    const call = fake.startCall({ customerPhone: '+14155550133', queueId: QUEUE });
    await becomes(s, call.id, 'dialing');
  });

  test('heartbeats are not calls; a malformed message and an unknown ended call are counted and dropped', async () => {
    fake.heartbeat();
    fake.sendRaw('{not json');
    fake.sendRaw(JSON.stringify({ topicName: `v2.users.${AGENT}.conversations.calls`, eventBody: { nonsense: true } }));
    fake.sendRaw(JSON.stringify({ topicName: 'v2.users.ffffffff-0000-4000-8000-000000000000.conversations.calls', eventBody: { id: 'x', participants: [] } }));
    const ghost = { id: 'c0ffee00-0000-4000-8000-000000000001', participants: [{ id: 'p1', purpose: 'customer', state: 'disconnected',
      address: 'tel:+14155550199' }, { id: 'p2', purpose: 'agent', state: 'disconnected', user: { id: AGENT } }] };
    fake.sendRaw(JSON.stringify({ topicName: `v2.users.${AGENT}.conversations.calls`, eventBody: ghost }));
    const call = fake.startCall({ customerPhone: '+14155550128', queueId: QUEUE });
    await becomes(s, call.id, 'dialing');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /tandem_genesys_notifications_total\{org="[^"]+",outcome="malformed"\} 2/);
    assert.match(metrics, /tandem_genesys_notifications_total\{org="[^"]+",outcome="ignored_topic"\} 1/);
    assert.match(metrics, /tandem_genesys_notifications_total\{org="[^"]+",outcome="ignored_unknown"\} 1/);
    assert.equal(await stateOf(s, ghost.id), null, 'no conversation for a call that was over before Tandem saw it');
    assert.equal((await s.api('GET', '/v1/integrations/genesys')).body.status, 'connected');
  });
});
