import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startTestServer, type DbKind, type TestServer } from '../test-server.ts';
import { connectedCall, createDeployment, waitUntil } from '../fixtures.ts';
import { startedSession } from '../started-session.ts';
import { openSse } from '../sse-reader.ts';
import { closeAllReceivers, startReceiver } from '../webhook-receiver.ts';

/** What the dialer's backend receives: the event log, the live stream, and webhooks. */
export function eventsSuite(kind: DbKind) {
  describe(`events, stream and webhooks (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      // The receivers are on loopback: an on-premises set-up.
      s = await startTestServer(kind, { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_ALLOW_PRIVATE: 'true' });
    });
    after(async () => {
      await closeAllReceivers();
      await s?.close();
    });

    test('the event log pages by sequence with no gaps and no repeats', async () => {
      const call = await connectedCall(s);
      for (let i = 0; i < 5; i++) await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      const seen: number[] = [];
      let after = '0';
      for (;;) {
        const page = await s.api('GET', `/v1/events?after=${after}&limit=3`);
        assert.equal(page.status, 200);
        if (!page.body.data.length) break;
        seen.push(...page.body.data.map((e: { seq: number }) => e.seq));
        after = page.body.nextCursor;
      }
      assert.ok(seen.length >= 6, 'a connected call and five invites');
      assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => i + 1));
    });

    test('concurrent writers still give a reader a gap-free sequence', async () => {
      const call = await connectedCall(s);
      const before = (await s.api('GET', '/v1/events?after=0&limit=1000')).body.data.length;
      await Promise.all(Array.from({ length: 12 }, () => s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })));
      const all = (await s.api('GET', '/v1/events?after=0&limit=1000')).body.data.map((e: { seq: number }) => e.seq);
      assert.equal(all.length, before + 12);
      assert.deepEqual(all, Array.from({ length: all.length }, (_, i) => i + 1));
    });

    test('the SSE stream delivers live events and resumes from Last-Event-ID with nothing missed or repeated', async () => {
      const token = await s.token(['events:read']);
      const call = await connectedCall(s);
      const start = (await s.api('GET', '/v1/events?after=0&limit=1000')).body.nextCursor;
      const first = await openSse(`${s.url}/v1/events/stream?after=${start}&conversationId=${call.id}`, token);
      assert.equal(first.status, 200);
      assert.match(first.contentType!, /text\/event-stream/);
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      const got = await first.waitForCount(1);
      assert.equal(got[0]!.event, 'invite.created');
      const lastId = got[got.length - 1]!.id!;
      first.close();

      // While nobody listens, more happens.
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      const resumed = await openSse(`${s.url}/v1/events/stream?conversationId=${call.id}`, token, { 'last-event-id': lastId });
      const msgs = await resumed.waitForCount(2);
      assert.deepEqual(msgs.map((m) => m.event), ['invite.created', 'invite.created']);
      const ids = msgs.map((m) => Number(m.id));
      assert.ok(ids.every((id) => id > Number(lastId)), 'nothing repeated');
      assert.equal(JSON.parse(msgs[0]!.data).conversationId, call.id);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(resumed.messages.length, 2);
      assert.ok(resumed.comments >= 1, 'heartbeats are sent');
      resumed.close();
    });

    test('webhooks are signed per Standard Webhooks and verify with its library', async () => {
      const rx = await startReceiver();
      const created = await s.api('POST', '/v1/webhooks', { url: rx.url, events: ['invite.created', 'session.started'] });
      assert.equal(created.status, 201, created.text);
      assert.match(created.body.secret, /^whsec_/);
      const call = await connectedCall(s);
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body;
      await waitUntil(async () => rx.received.length >= 1, 5000, 'webhook');
      const hit = rx.received[0]!;
      const wh = new Webhook(created.body.secret);
      const payload = wh.verify(hit.body, hit.headers as Record<string, string>) as { type: string; data: { inviteId: string; id: string } };
      assert.equal(payload.type, 'invite.created');
      assert.equal(payload.data.inviteId, inv.id);
      assert.equal(hit.headers['webhook-id'], payload.data.id, 'webhook-id is the event id');
      assert.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(hit.body, hit.headers as Record<string, string>));
      assert.throws(() => wh.verify(hit.body.replace('invite.created', 'invite.revoked'), hit.headers as Record<string, string>));
      const del = await s.api('DELETE', `/v1/webhooks/${created.body.id}`);
      assert.equal(del.status, 204);
      await rx.close();
    });

    test('a failing endpoint is retried with growing delays, every attempt is visible, and it never blocks a healthy one', async () => {
      const bad = await startReceiver((n) => (n < 3 ? 503 : 200));
      const good = await startReceiver();
      const whBad = (await s.api('POST', '/v1/webhooks', { url: bad.url, events: ['invite.created'] })).body;
      const whGood = (await s.api('POST', '/v1/webhooks', { url: good.url, events: ['invite.created'] })).body;
      const call = await connectedCall(s);
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      await waitUntil(async () => good.received.length >= 1, 3000, 'good endpoint');
      assert.ok(bad.received.length <= 1, 'the healthy endpoint did not wait for retries');
      await waitUntil(async () => bad.received.length >= 3, 5000, 'three attempts');
      const gap1 = bad.received[1]!.at - bad.received[0]!.at;
      const gap2 = bad.received[2]!.at - bad.received[1]!.at;
      assert.ok(gap2 > gap1, `backoff grows (${gap1} ms then ${gap2} ms)`);
      assert.equal(new Set(bad.received.map((r) => r.headers['webhook-id'])).size, 1, 'same webhook-id on every retry');
      const deliveries = await waitUntil(async () => {
        const d = (await s.api('GET', `/v1/webhooks/${whBad.id}/deliveries`)).body.data;
        return d[0]?.state === 'succeeded' ? d : null;
      }, 3000, 'delivery recorded');
      assert.deepEqual(deliveries[0].attempts.map((a: { status: number }) => a.status), [503, 503, 200]);
      assert.equal(deliveries[0].eventType, 'invite.created');
      for (const id of [whBad.id, whGood.id]) await s.api('DELETE', `/v1/webhooks/${id}`);
      await bad.close();
      await good.close();
    });

    test('after the last attempt a delivery is marked failed', async () => {
      const rx = await startReceiver(() => 500);
      const wh = (await s.api('POST', '/v1/webhooks', { url: rx.url, events: ['invite.created'] })).body;
      const call = await connectedCall(s);
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      const d = await waitUntil(async () => {
        const list = (await s.api('GET', `/v1/webhooks/${wh.id}/deliveries`)).body.data;
        return list[0]?.state === 'failed' ? list[0] : null;
      }, 5000, 'failed delivery');
      assert.equal(d.attempts.length, 3);
      assert.equal(d.nextAttemptAt, null);
      await s.api('DELETE', `/v1/webhooks/${wh.id}`);
      await rx.close();
    });

    test('pending retries survive a restart of the server', async () => {
      let up = false;
      const rx = await startReceiver(() => (up ? 200 : 503));
      const wh = (await s.api('POST', '/v1/webhooks', { url: rx.url, events: ['session.started'] })).body;
      const dep = await createDeployment(s);
      const { page } = await startedSession(s, dep);
      await waitUntil(async () => rx.received.length >= 1, 3000, 'first attempt');
      page.close();
      await s.stop();
      up = true;
      const countAtStop = rx.received.length;
      await s.restart();
      await waitUntil(async () => rx.received.length > countAtStop, 5000, 'retry after restart');
      const d = await waitUntil(async () => {
        const list = (await s.api('GET', `/v1/webhooks/${wh.id}/deliveries`)).body.data;
        return list[0]?.state === 'succeeded' ? list[0] : null;
      }, 5000, 'succeeded after restart');
      assert.equal(d.attempts.at(-1).status, 200);
      assert.equal(d.eventType, 'session.started');
      await s.api('DELETE', `/v1/webhooks/${wh.id}`);
      await rx.close();
    });

    test('a failed delivery can be sent again, alone or with every failed delivery since a time; twice never sends twice', async () => {
      let up = false;
      const rx = await startReceiver(() => (up ? 200 : 500));
      const wh = (await s.api('POST', '/v1/webhooks', { url: rx.url, events: ['invite.created'] })).body;
      const deliveriesOf = async () =>
        (await s.api('GET', `/v1/webhooks/${wh.id}/deliveries`)).body.data as { id: string; eventId: string; state: string; redeliveredAs: string | null }[];
      const call = await connectedCall(s);
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      const [first] =
        await waitUntil(async () => ((await deliveriesOf()).every((d) => d.state === 'failed') ? deliveriesOf() : null), 10_000, 'the first delivery to fail');
      const since = new Date().toISOString();
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      await waitUntil(async () => {
        const list = await deliveriesOf();
        return list.length === 3 && list.every((d) => d.state === 'failed');
      }, 10_000, 'all three to fail');
      up = true;

      const one = await s.api('POST', `/v1/webhooks/${wh.id}/deliveries/${first!.id}/redeliver`);
      assert.equal(one.status, 202, one.text);
      assert.equal(one.body.eventId, first!.eventId);
      assert.notEqual(one.body.id, first!.id);
      await waitUntil(async () => (await deliveriesOf()).find((d) => d.id === one.body.id)?.state === 'succeeded', 5000, 'the redelivery');
      assert.equal((await deliveriesOf()).find((d) => d.id === first!.id)!.redeliveredAs, one.body.id);

      const bulk = await s.api('POST', `/v1/webhooks/${wh.id}/redeliver`, { since });
      assert.equal(bulk.status, 202, bulk.text);
      assert.deepEqual(bulk.body, { redelivered: 2, more: false }, 'the two since that time, not the one before');
      assert.deepEqual((await s.api('POST', `/v1/webhooks/${wh.id}/redeliver`, { since })).body, { redelivered: 0, more: false },
        'calling again sends nothing twice');
      await waitUntil(async () => (await deliveriesOf()).filter((d) => d.state === 'succeeded').length === 3, 5000, 'the bulk redeliveries');
      const ok = rx.received.filter((r) => r.status === 200).map((r) => r.headers['webhook-id']);
      assert.equal(ok.length, 3, 'each event once more');
      assert.equal(new Set(ok).size, 3);

      const unknown = await s.api('POST', `/v1/webhooks/${wh.id}/deliveries/whd_nope/redeliver`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.code, 'not_found');
      const badSince = await s.api('POST', `/v1/webhooks/${wh.id}/redeliver`, { since: 'yesterday' });
      assert.equal(badSince.status, 400);
      assert.equal(badSince.body.code, 'validation_failed');
      await s.api('DELETE', `/v1/webhooks/${wh.id}`);
      await rx.close();
    });

    test('webhook event filters and urls are validated', async () => {
      const badType = await s.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['invite.exploded'] });
      assert.equal(badType.status, 400);
      assert.equal(badType.body.code, 'validation_failed');
      const badUrl = await s.api('POST', '/v1/webhooks', { url: 'ftp://example.com/x' });
      assert.equal(badUrl.status, 400);
      assert.equal(badUrl.body.code, 'validation_failed');
      assert.equal((await s.api('GET', '/v1/webhooks')).body.data.length, 0);
    });
  });
}
