import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES } from '@tandem/protocol';
import { SHOP_ORIGIN, callId, connectedCall, createDeployment, waitUntil } from './fixtures.ts';
import { freshPostgresDatabase } from './postgres-db.ts';
import { spawnTandem } from './child-server.ts';
import { OwnRedis } from './faults/own-redis.ts';
import { TandemProcess } from './faults/tandem-process.ts';
import { VisitorClient } from './visitor-client.ts';

const TTL_SECONDS = 3;
const TOKEN_LIMIT = 4;
const VISITOR_CAP = 3;

/** An invite's deliveries as [channel, state] pairs. */
const channelsOf = (invite: { deliveries: { channel: string; state: string }[] }) => invite.deliveries.map((d) => [d.channel, d.state]);

/**
 * Two nodes on one Postgres and a Redis of the test's own: a customer's page is connected to one
 * node and the company's calls go through the other, as behind a balancer that pins nothing.
 */
describe('presence, support codes and limits across nodes', () => {
  let redis: OwnRedis;
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let a: TandemProcess;
  let b: TandemProcess;
  let dep: { key: string; identitySecret: string };
  const pages: VisitorClient[] = [];
  const dirs = [mkdtempSync(path.join(tmpdir(), 'tandem-cluster-a-')), mkdtempSync(path.join(tmpdir(), 'tandem-cluster-b-'))];
  const env = (dir: string) => ({
    DATA_DIR: dir, DATABASE_URL: db.url, REDIS_URL: redis.url, PRESENCE_TTL_SECONDS: String(TTL_SECONDS),
    TOKEN_RATE_LIMIT: String(TOKEN_LIMIT), VISITOR_SOCKETS_PER_SOURCE: String(VISITOR_CAP),
  });

  before(async () => {
    redis = await OwnRedis.create();
    db = await freshPostgresDatabase();
    a = await TandemProcess.start(env(dirs[0]!));
    b = await TandemProcess.start(env(dirs[1]!), a.credentials);
    dep = await createDeployment(a);
  });
  /** A message the page got, already or still to come. */
  const got = (page: VisitorClient, match: (m: VisitorClient['received'][number]) => boolean) => page.received.find(match) ?? page.next(match);

  after(async () => {
    for (const p of pages) p.close();
    await b?.stop();
    await a?.stop();
    await redis?.stop();
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A customer's page on `node`, signed in as `customerId` when given; each from its own address (the socket cap is low). */
  async function pageOn(node: TandemProcess, customerId?: string) {
    const page = await VisitorClient.connect(node.url, dep.key, SHOP_ORIGIN, { localAddress: `127.0.1.${pages.length + 1}` });
    pages.push(page);
    if (customerId) assert.equal((await page.identify(dep.identitySecret, customerId)).type, 'identified');
    return page;
  }

  test('REDIS_URL without DATABASE_URL: the node refuses to start and says what to set', async () => {
    await assert.rejects(spawnTandem({ DATA_DIR: dirs[0]!, REDIS_URL: redis.url, DATABASE_URL: '' }, 30_000), (err: Error) => {
      assert.match(err.message, /exited \(\d+\) before listening/);
      assert.match(err.message, /REDIS_URL is set without DATABASE_URL: several nodes need one Postgres server/);
      return true;
    });
  });

  test('page on A, invite through B: pushed to the page on A (not SMS); revoking through B withdraws it there; ending through B reaches it', async (t) => {
    const call = await connectedCall(b, { phone: '+14155550123' });
    const page = await pageOn(a, call.customer.id);

    const made = await b.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual(channelsOf(made.body), [['push', 'delivered']], 'the push channel, not an SMS');
    await got(page, (m) => m.type === 'invite' && m.invite.inviteId === made.body.id);
    assert.equal((await b.api('GET', '/v1/sms/outbox')).body.data.length, 0, 'no SMS was sent');
    t.diagnostic(`POST /v1/invites through B, pushed to the page on A: answered in ${made.ms.toFixed(0)} ms`);

    assert.equal((await b.api('DELETE', `/v1/invites/${made.body.id}`)).status, 200);
    const withdrawn = await got(page, (m) => m.type === 'invite.withdrawn' && m.inviteId === made.body.id);
    assert.deepEqual(withdrawn, { type: 'invite.withdrawn', inviteId: made.body.id, reason: 'revoked' });

    // The page accepts a second invite on A; the session is ended through B.
    const second = await b.api('POST', '/v1/invites', { conversationId: call.id, channels: ['push'] });
    assert.equal(second.status, 201, second.text);
    const started = await page.acceptInvite(second.body.id);
    assert.equal(started.type, 'session.started');
    const sessionId = (started as { sessionId: string }).sessionId;
    assert.equal((await b.api('POST', `/v1/sessions/${sessionId}/end`, {})).status, 200);
    await got(page, (m) => m.type === 'session.ended' && m.sessionId === sessionId);
  });

  test('a support code asked on A is claimed through B; wrong and failed claims through B do not use it up', async () => {
    const page = await pageOn(a);
    const asked = await page.request({ type: 'code.request' });
    assert.equal(asked.type, 'code');
    const code = (asked as { code: string }).code;
    const call = await connectedCall(b);

    const wrong = await b.api('POST', '/v1/invites/claim', { code: code === '0000000000' ? '0000000001' : '0000000000', conversationId: call.id });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.code, 'invalid_code');
    const dialing = callId('dialing');
    await b.api('PUT', `/v1/conversations/${dialing}`, { state: 'dialing', customer: { id: 'cust-dialing' }, agent: { id: 'agent-7' } });
    const notYet = await b.api('POST', '/v1/invites/claim', { code, conversationId: dialing });
    assert.equal(notYet.status, 409, notYet.text);
    assert.equal(notYet.body.code, 'conversation_not_connected');

    const claimed = await b.api('POST', '/v1/invites/claim', { code, conversationId: call.id });
    assert.equal(claimed.status, 201, claimed.text);
    assert.deepEqual(channelsOf(claimed.body), [['push', 'delivered']]);
    await got(page, (m) => m.type === 'invite' && m.invite.inviteId === claimed.body.id);
    // The page on A may answer it: it was offered there.
    assert.equal((await page.acceptInvite(claimed.body.id)).type, 'session.started');
    const again = await a.api('POST', '/v1/invites/claim', { code, conversationId: call.id });
    assert.equal(again.body.code, 'invalid_code', 'a claimed code is used up on every node');
  });

  test('the token limit is one for the cluster: the request after the limit is refused on either node', async () => {
    const probe = { grant_type: 'client_credentials', client_id: 'cli_cluster_probe', client_secret: 'x' };
    const ask = (node: TandemProcess) => node.api('POST', '/oauth/token', probe, { token: null });
    for (let i = 0; i < TOKEN_LIMIT; i++) {
      const r = await ask(i % 2 ? b : a);
      assert.equal(r.status, 401, `request ${i + 1} is within the limit: ${r.text}`);
    }
    for (const node of [a, b]) {
      const refused = await ask(node);
      assert.equal(refused.status, 429, refused.text);
      assert.equal(refused.body.code, 'rate_limited');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    }
  });

  test('socket caps per source count the sockets on every node', async () => {
    const source = '127.0.0.9';
    const open = async (node: TandemProcess) => {
      const p = await VisitorClient.connect(node.url, dep.key, SHOP_ORIGIN, { localAddress: source, hello: false });
      pages.push(p);
      return p;
    };
    const held = [await open(a), await open(a), await open(b)];
    const refused = await open(b);
    assert.equal((await refused.closed).code, CLOSE_CODES.TOO_MANY_SOCKETS.code, 'the cap is 3 across both nodes');
    const refusedOnA = await open(a);
    assert.equal((await refusedOnA.closed).code, CLOSE_CODES.TOO_MANY_SOCKETS.code);
    held[0]!.close();
    await held[0]!.closed;
    // A place freed on A is free for B.
    const admitted = await waitUntil(async () => {
      const p = await open(b);
      const first = await Promise.race([p.closed, p.request({ type: 'hello', v: 1, url: `${SHOP_ORIGIN}/` }).catch(() => ({ code: 0 }))]);
      return 'type' in first && first.type === 'welcome' ? p : null;
    }, 5000, 'a place freed on A to be taken on B');
    assert.ok(admitted);
  });

  test('Redis restarted empty: every node writes its pages again and pushes reach them', async (t) => {
    const call = await connectedCall(b);
    const page = await pageOn(a, call.customer.id);
    await redis.stop();
    await redis.start();
    const restarted = Date.now();
    const made = await waitUntil(async () => {
      const r = await b.api('POST', '/v1/invites', { conversationId: call.id, channels: ['push'] });
      return r.status === 201 ? r : null;
    }, 20_000, 'the page on A to be present again for B');
    t.diagnostic(`presence rebuilt ${Date.now() - restarted} ms after redis-server started`);
    await got(page, (m) => m.type === 'invite' && m.invite.inviteId === made.body.id);
  });

  test('a node SIGKILLed: its pages stop being present within the TTL', async (t) => {
    const call = await connectedCall(a);
    await pageOn(b, call.customer.id);
    const before = await a.api('POST', '/v1/invites', { conversationId: call.id, channels: ['push'] });
    assert.equal(before.status, 201, 'the page on B is present for A');
    await b.kill();
    const killed = Date.now();
    // Bounded by the TTL, plus one probe that waited for the dead node's answer, plus slack for a busy machine.
    const gone = await waitUntil(async () => {
      const r = await a.api('POST', '/v1/invites', { conversationId: call.id, channels: ['push'] });
      return r.status === 422 ? r : null;
    }, TTL_SECONDS * 1000 + 5000, `the dead node's presence to expire within ${TTL_SECONDS} s`);
    assert.equal(gone.body.code, 'customer_unreachable');
    t.diagnostic(`presence of the killed node's page expired ${Date.now() - killed} ms after SIGKILL (TTL ${TTL_SECONDS} s)`);
  });
});
