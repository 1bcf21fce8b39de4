import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { buildApp, type TandemApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { newWebhookSecret } from '../src/events/webhook-signing.ts';
import { connectedCall, createDeployment, eventsOf, waitUntil } from './fixtures.ts';
import { RelayClient } from './relay-clients.ts';
import { startedSession } from './started-session.ts';
import { startSmsWebhookReceiver } from './sms-webhook-receiver.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/*
 * Two nodes on one Postgres, both sweeping every 100 ms: each durable timer fires on one of
 * them, once, and a node's timers respect what the other node holds.
 */
describe('durable timers on two nodes sharing one Postgres', () => {
  const smsSecret = newWebhookSecret();
  let sms: Awaited<ReturnType<typeof startSmsWebhookReceiver>>;
  let a: TestServer;
  let b: TandemApp;
  let bUrl = '';
  let dep: { key: string; identitySecret: string };

  before(async () => {
    sms = await startSmsWebhookReceiver(smsSecret);
    const env = { RESUME_WINDOW_SECONDS: '1', SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: sms.url, SMS_WEBHOOK_SECRET: smsSecret, SMS_RETRY_BASE_MS: '200',
      SMS_MAX_ATTEMPTS: '10', SMS_TIMEOUT_MS: '1000',
      // Storing a result may wait out a locked invite (the lease test) rather than time out.
      DATABASE_STATEMENT_TIMEOUT_MS: '20000' };
    a = await startTestServer('postgres', env);
    b = await buildApp({
      config: loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SWEEP_INTERVAL_MS: '100', DATABASE_URL: a.config.databaseUrl! }),
      logger: pino({ level: 'silent' }),
    });
    bUrl = await b.listen();
    dep = await createDeployment(a);
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await sms?.close();
  });

  async function acceptedSession() {
    const { call, page, sessionId, captureToken } = await startedSession(a, dep);
    page.close();
    return { call, sessionId, captureToken };
  }

  async function capture(url: string, token: string) {
    const c = await RelayClient.open(url, '/v1/capture');
    c.send({ type: 'auth', token });
    await c.jsonOf('ready');
    return c;
  }

  test('a page that left ends its session once, though both nodes sweep', async () => {
    const { call, sessionId, captureToken } = await acceptedSession();
    const c = await capture(a.url, captureToken);
    c.close();
    await waitUntil(async () => (await a.api('GET', `/v1/sessions/${sessionId}`)).body.state === 'ended', 10_000, 'the session to end');
    await new Promise((r) => setTimeout(r, 500));
    const ended = (await eventsOf(a, call.id)).filter((e) => e.type === 'session.ended');
    assert.equal(ended.length, 1, 'one session.ended');
    assert.equal(ended[0]!.data.reason, 'customer_left');
  });

  test('a page streaming to one node is not ended by the other node\'s sweeper', async () => {
    const { sessionId, captureToken } = await acceptedSession();
    const c = await capture(bUrl, captureToken);
    // Three resume windows: node A sweeps all along, node B keeps the window open.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await a.api('GET', `/v1/sessions/${sessionId}`)).body.state, 'active');
    c.close();
    const ended = await waitUntil(async () => {
      const s = (await a.api('GET', `/v1/sessions/${sessionId}`)).body;
      return s.state === 'ended' ? s : null;
    }, 10_000, 'the session to end once the page left');
    assert.equal(ended.endReason, 'customer_left');
  });

  test('an invite whose time is up expires once, though both nodes sweep', async () => {
    const call = await connectedCall(a);
    const invites = await Promise.all([0, 1, 2, 3, 4].map(() => a.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })));
    // Their expiry passes while both nodes sweep every 100 ms.
    await a.tandem.services.db.query('UPDATE invites SET expires_at = $2 WHERE conversation_id = $1', [call.id, new Date(Date.now() + 300)]);
    await waitUntil(async () => (await eventsOf(a, call.id)).filter((e) => e.type === 'invite.expired').length === invites.length, 10_000,
      'every invite to expire');
    await new Promise((r) => setTimeout(r, 500));
    const expired = (await eventsOf(a, call.id)).filter((e) => e.type === 'invite.expired');
    assert.equal(expired.length, invites.length, 'one invite.expired each');
    assert.equal(new Set(expired.map((e) => e.inviteId)).size, invites.length);
  });

  test('an SMS retry is made by one node: one text taken, one invite.delivered', async () => {
    sms.setMode('down');
    const call = await connectedCall(a, { phone: '+14155550150' });
    const inv = (await a.api('POST', '/v1/invites', { conversationId: call.id, channels: ['sms'] })).body;
    await waitUntil(async () => sms.requests.filter((r) => JSON.parse(r.raw).inviteId === inv.id).length >= 3, 10_000, 'retries');
    sms.setMode('up');
    await waitUntil(async () => (await a.api('GET', `/v1/invites/${inv.id}`)).body.deliveries[0].state === 'sent', 10_000, 'the SMS to go');
    await new Promise((r) => setTimeout(r, 500));
    const mine = sms.requests.filter((r) => JSON.parse(r.raw).inviteId === inv.id);
    assert.equal(mine.filter((r) => r.status === 202).length, 1, 'one text taken');
    const attempts = mine.map((r) => r.headers['webhook-timestamp']);
    assert.equal(new Set(mine.map((r) => r.headers['webhook-id'])).size, 1, `same message on every attempt (${attempts.length})`);
    const events = await eventsOf(a, call.id);
    assert.equal(events.filter((e) => e.type === 'invite.delivered').length, 1);
  });

  test('a text whose result cannot be stored for longer than its lease is not sent again by either node', async () => {
    // The lease is SMS_TIMEOUT_MS + 5 s = 6 s. While the sender takes the text, another connection
    // locks the invite for 9 s, so storing the result waits past the lease (as a busy database can).
    const call = await connectedCall(a, { phone: '+14155550151' });
    const locker = new pg.Client({ connectionString: a.config.databaseUrl! });
    await locker.connect();
    let locked = false;
    sms.beforeAnswering(async (entry) => {
      const inviteId = (JSON.parse(entry.raw) as { inviteId: string }).inviteId;
      if (locked) return;
      locked = true;
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM invites WHERE id = $1 FOR UPDATE', [inviteId]);
    });
    try {
      const created = a.api('POST', '/v1/invites', { conversationId: call.id, channels: ['sms'] });
      await waitUntil(async () => locked || null, 10_000, 'the text to be taken');
      await new Promise((r) => setTimeout(r, 9000));
      await locker.query('COMMIT');
      const res = await created;
      assert.equal(res.status, 201, res.text);
      const inv = res.body;
      await waitUntil(async () => (await a.api('GET', `/v1/invites/${inv.id}`)).body.deliveries[0].state === 'sent', 10_000, 'the result to be stored');
      await new Promise((r) => setTimeout(r, 500));
      const mine = sms.requests.filter((r) => JSON.parse(r.raw).inviteId === inv.id);
      assert.equal(mine.length, 1, `the text was sent once (${mine.length} requests)`);
      const delivered = (await eventsOf(a, call.id)).filter((e) => e.type === 'invite.delivered');
      assert.equal(delivered.length, 1, 'one invite.delivered');
    } finally {
      sms.beforeAnswering(null);
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });
});
