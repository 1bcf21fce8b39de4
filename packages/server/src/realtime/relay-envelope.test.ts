import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_KIND, encodeFrame } from '@tandem/protocol';
import { RELAY_KIND, decodeEnvelope, encodeEnvelope } from './relay-envelope.ts';

test('a page frame crosses in an envelope byte for byte, with its node and session', () => {
  const frame = encodeFrame(FRAME_KIND.DELTA, 42, new Uint8Array(300).map((_, i) => i % 256));
  const env = decodeEnvelope(encodeEnvelope(RELAY_KIND.FRAME, 'a1b2c3d4e5f6', 'ses_01JABCDEF', frame));
  assert.ok(env);
  assert.equal(env.kind, RELAY_KIND.FRAME);
  assert.equal(env.from, 'a1b2c3d4e5f6');
  assert.equal(env.sessionId, 'ses_01JABCDEF');
  assert.ok(env.payload.equals(Buffer.from(frame)));
  const json = decodeEnvelope(encodeEnvelope(RELAY_KIND.TO_AGENTS, 'n', 's', JSON.stringify({ type: 'customer.link', state: 'gone' })));
  assert.deepEqual(JSON.parse(json!.payload.toString('utf8')), { type: 'customer.link', state: 'gone' });
  assert.equal(decodeEnvelope(encodeEnvelope(RELAY_KIND.BEAT, 'n', ''))?.payload.length, 0);
});

test('anything else on a relay channel is ignored, not misread: unknown kind, cut short, empty', () => {
  const good = encodeEnvelope(RELAY_KIND.JOIN, 'node', 'ses_1');
  assert.equal(decodeEnvelope(Buffer.from([99, ...good.subarray(1)])), null);
  for (let n = 0; n < good.length; n++) assert.equal(decodeEnvelope(good.subarray(0, n)), null, `cut to ${n} bytes`);
  assert.equal(decodeEnvelope(Buffer.from('{"o":"x","m":1}')), null, "the event bus's JSON");
});
