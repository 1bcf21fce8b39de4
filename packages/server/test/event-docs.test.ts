// Every event type is documented three times over (its payload schema, the OpenAPI webhooks
// section, the README's Events table) and the events a real flow emits match those documents,
// so an integrator can write a receiver from the docs alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { EVENT_PAYLOAD_SCHEMAS, EVENT_TYPES, type EventType } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';
import { closeAllReceivers, startReceiver } from './webhook-receiver.ts';
import { VisitorClient } from './visitor-client.ts';
import { customerOpensLink } from './link-customer.ts';
import { SHOP_ORIGIN, connectedCall, createDeployment, eventsOf, waitUntil } from './fixtures.ts';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
// A receiver's validator, fed the schemas as the OpenAPI document publishes them.
const ajv = new Ajv({ allErrors: true });
addFormats.default(ajv);

/** The README's Events table: type → the payload fields its row names. */
function readmeEventTable(): Map<string, string[]> {
  const section = README.split(/^## /m).find((s) => s.startsWith('Events'));
  assert.ok(section, 'the README has an "Events" section');
  const rows = new Map<string, string[]>();
  for (const m of section.matchAll(/^\| `([a-z]+\.[a-z_]+)` \| ([^|]*) \|/gm)) {
    // Field names are the backticked words outside parentheses (inside: their values).
    rows.set(m[1]!, [...m[2]!.replace(/\([^)]*\)/g, '').matchAll(/`([A-Za-z]+)`/g)].map((f) => f[1]!));
  }
  return rows;
}

interface JsonObjectSchema {
  properties: Record<string, JsonObjectSchema>;
}

function webhookBodySchema(doc: any, type: EventType): JsonObjectSchema {
  return doc.webhooks[type].post.requestBody.content['application/json'].schema;
}

/**
 * The event checked against its schema in the OpenAPI document (the `data` of its webhook body),
 * plus no field the schema does not name (the published schemas let receivers tolerate new fields).
 */
function problemsWith(doc: any, event: { type: EventType; data: Record<string, unknown> }): string[] {
  const schema = webhookBodySchema(doc, event.type).properties['data']!;
  const validate = ajv.compile(schema);
  const problems = validate(event) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath}: ${e.message}`);
  const undocumented = (keys: string[], s: JsonObjectSchema) => keys.filter((k) => !(k in s.properties));
  problems.push(...undocumented(Object.keys(event), schema).map((k) => `/${k}: not documented`));
  problems.push(...undocumented(Object.keys(event.data), schema.properties['data']!).map((k) => `/data/${k}: not documented`));
  return problems;
}

describe('event documentation', () => {
  let s: TestServer;
  let doc: any;
  before(async () => {
    // The webhook receiver is on loopback.
    s = await startTestServer('pglite', { WEBHOOK_ALLOW_PRIVATE: 'true' });
    doc = (await s.api('GET', '/openapi.json', undefined, { token: null })).body;
  });
  after(async () => {
    await closeAllReceivers();
    await s?.close();
  });

  test('every event type has a payload schema, an OpenAPI webhook and a README row naming its fields, and nothing else does', () => {
    assert.deepEqual(Object.keys(EVENT_PAYLOAD_SCHEMAS).sort(), [...EVENT_TYPES].sort(), 'payload schemas');
    assert.deepEqual(Object.keys(doc.webhooks ?? {}).sort(), [...EVENT_TYPES].sort(), 'OpenAPI webhooks');
    const table = readmeEventTable();
    assert.deepEqual([...table.keys()].sort(), [...EVENT_TYPES].sort(), 'README Events table');
    for (const type of EVENT_TYPES) {
      assert.deepEqual(table.get(type)!.sort(), Object.keys(EVENT_PAYLOAD_SCHEMAS[type].properties).sort(), `README row of ${type} names its payload fields`);
    }
  });

  test('each webhook documents the body a receiver gets: type, timestamp and the whole event under data', () => {
    for (const type of EVENT_TYPES) {
      const body = doc.webhooks[type].post.requestBody.content['application/json'].schema;
      assert.deepEqual(Object.keys(body.properties).sort(), ['data', 'timestamp', 'type']);
      assert.equal(body.properties.type.const, type);
      const event = body.properties.data;
      assert.deepEqual(Object.keys(event.properties).sort(), ['conversationId', 'data', 'id', 'inviteId', 'occurredAt', 'seq', 'sessionId', 'type']);
      assert.deepEqual(Object.keys(event.properties.data.properties).sort(), Object.keys(EVENT_PAYLOAD_SCHEMAS[type].properties).sort(), `${type} payload`);
    }
  });

  test('the event stream documents its message: id, event and the event JSON on the data line', () => {
    const ok = doc.paths['/v1/events/stream'].get.responses['200'];
    const media = ok.content['text/event-stream'];
    assert.ok(media, 'text/event-stream is documented');
    const lines = (media.example as string).split('\n');
    assert.match(lines[0]!, /^id: \d+$/);
    assert.match(lines[1]!, /^event: [a-z]+\.[a-z_]+$/);
    const event = JSON.parse(lines[2]!.replace(/^data: /, ''));
    assert.deepEqual(problemsWith(doc, event), [], 'the example event is a valid event');
  });

  test('the events a real flow emits validate against their schemas, and no field is undocumented', async () => {
    const dep = await createDeployment(s);
    const receiver = await startReceiver();
    assert.equal((await s.api('POST', '/v1/webhooks', { url: receiver.url })).status, 201);
    // Call 1: invite by SMS, opened, a second page refused, accepted, then the call ends.
    const call = await connectedCall(s, { phone: '+14155550188' });
    const inv = await s.api('POST', '/v1/invites', { conversationId: call.id, returnUrl: `${SHOP_ORIGIN}/account` });
    assert.equal(inv.status, 201, inv.text);
    const page = await customerOpensLink(s.url, dep.key, SHOP_ORIGIN, inv.body.link, inv.body.id);
    const thief = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const refused = await thief.request({ type: 'link.redeem', secret: (inv.body.link as string).split('/j/')[1]! });
    assert.equal(refused.type, 'error');
    assert.equal((await page.acceptInvite(inv.body.id)).type, 'session.started');
    // A second invite still live when the call ends is revoked.
    const second = await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
    assert.equal(second.status, 201, second.text);
    assert.equal((await s.api('PUT', `/v1/conversations/${call.id}`, { state: 'disconnected' })).status, 200);
    // Call 2: the customer declines; call 3: the invite is revoked by the API.
    const call2 = await connectedCall(s, { phone: '+14155550189' });
    const inv2 = await s.api('POST', '/v1/invites', { conversationId: call2.id });
    const page2 = await customerOpensLink(s.url, dep.key, SHOP_ORIGIN, inv2.body.link, inv2.body.id);
    assert.equal((await page2.request({ type: 'invite.decline', inviteId: inv2.body.id })).type, 'ok');
    const call3 = await connectedCall(s, { phone: '+14155550190' });
    const inv3 = await s.api('POST', '/v1/invites', { conversationId: call3.id, channels: ['code'] });
    assert.equal((await s.api('DELETE', `/v1/invites/${inv3.body.id}`)).status, 200);
    for (const p of [page, thief, page2]) p.close();

    const events = await waitUntil(async () => {
      const all = [...await eventsOf(s, call.id), ...await eventsOf(s, call2.id), ...await eventsOf(s, call3.id)];
      return all.some((e) => e.type === 'invite.delivered') && all.some((e) => e.type === 'session.ended') ? all : null;
    }, 15_000, 'the SMS delivery and session.ended');
    const seen = new Set(events.map((e) => e.type));
    for (const type of ['conversation.updated', 'invite.created', 'invite.delivered', 'invite.opened', 'invite.link_refused', 'invite.accepted',
      'session.started', 'session.ended', 'invite.revoked', 'invite.declined']) {
      assert.ok(seen.has(type), `the flow emitted ${type} (saw ${[...seen].join(', ')})`);
    }
    for (const event of events) {
      assert.deepEqual(problemsWith(doc, event as never), [], `${event.type} #${event.seq}: ${JSON.stringify(event)}`);
    }

    // Each webhook body is the documented one: {type, timestamp, data: the event}.
    const seqs = new Set(events.map((e) => e.seq));
    const bodies = await waitUntil(async () => {
      const got = receiver.received.map((r) =>
        JSON.parse(r.body) as { type: EventType; timestamp: string; data: { seq: number; type: EventType; data: Record<string, unknown> } });
      return [...seqs].every((seq) => got.some((b) => b.data.seq === seq)) ? got : null;
    }, 15_000, 'a webhook delivery of every event');
    for (const body of bodies) {
      const validate = ajv.compile(webhookBodySchema(doc, body.type));
      assert.ok(validate(body), `webhook body of ${body.type}: ${JSON.stringify(validate.errors)} ${JSON.stringify(body)}`);
      assert.deepEqual(Object.keys(body).sort(), ['data', 'timestamp', 'type']);
      assert.deepEqual(problemsWith(doc, body.data), [], `webhook body of ${body.type}`);
    }
  });
});
