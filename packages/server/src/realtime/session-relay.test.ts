import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOSE_CODES, FRAME_KIND, type CloseCodeName, decodeFrameHeader, encodeFrame, encodePointer } from '@tandem/protocol';
import { CAPTURE_BACKLOG_BYTES, DEFAULT_RELAY_LIMITS, DRIFT_SNAPSHOT_EVERY_MS, agentQueueBound, POINTER_BACKLOG_BYTES, SessionRelay, type RelayLimits,
  type RelayPeer } from './session-relay.ts';

class FakePeer implements RelayPeer {
  frames: Uint8Array[] = [];
  json: any[] = [];
  backlog = 0;
  closed: { code: number; reason: string } | null = null;
  sendFrame(f: Uint8Array) {
    this.frames.push(f);
  }
  sendJson(m: object) {
    this.json.push(m);
  }
  bufferedAmount() {
    return this.backlog;
  }
  close(name: CloseCodeName) {
    this.closed = CLOSE_CODES[name];
  }
  seqs() {
    return this.frames.map((f) => {
      const { kind, seq } = decodeFrameHeader(f)!;
      return `${kind === FRAME_KIND.SNAPSHOT ? 'S' : kind === FRAME_KIND.POINTER ? 'P' : 'D'}${seq}`;
    });
  }
}

const body = (n: number) => new Uint8Array(n).fill(120);
const snap = (seq: number, size = 100) => encodeFrame(FRAME_KIND.SNAPSHOT, seq, body(size));
const delta = (seq: number, size = 10) => encodeFrame(FRAME_KIND.DELTA, seq, body(size));

function relayWithCapture(limits: Partial<RelayLimits> = { maxBufferedBytes: 1000, agentBacklogBytes: 500 }, now = 0) {
  const relay = new SessionRelay('ses_1', 'org_1', 'call-1', { ...DEFAULT_RELAY_LIMITS, ...limits }, now);
  const capture = new FakePeer();
  relay.attachCapture(capture);
  return { relay, capture };
}

test('a late agent gets the latest snapshot and every delta since, in order', () => {
  const { relay } = relayWithCapture();
  relay.fromCapture(snap(1));
  relay.fromCapture(delta(2));
  relay.fromCapture(snap(3));
  relay.fromCapture(delta(4));
  relay.fromCapture(delta(5));
  const agent = new FakePeer();
  relay.addAgent(agent);
  assert.deepEqual(agent.seqs(), ['S3', 'D4', 'D5']);
  relay.fromCapture(delta(6));
  assert.deepEqual(agent.seqs(), ['S3', 'D4', 'D5', 'D6']);
});

test('an agent that joins before any snapshot waits, and the page is asked for one', () => {
  const { relay, capture } = relayWithCapture();
  const agent = new FakePeer();
  relay.addAgent(agent);
  assert.ok(capture.json.some((m) => m.type === 'snapshot.request' && m.reason === 'agent_joined'));
  relay.fromCapture(delta(1));
  assert.deepEqual(agent.seqs(), [], 'a delta without its snapshot is useless to the agent');
  relay.fromCapture(snap(2));
  relay.fromCapture(delta(3));
  assert.deepEqual(agent.seqs(), ['S2', 'D3']);
});

test('when the buffer would overflow, deltas are dropped and a fresh snapshot is asked for instead of growing', () => {
  const { relay, capture } = relayWithCapture({ maxBufferedBytes: 100, agentBacklogBytes: 10_000 });
  relay.fromCapture(snap(1, 50));
  for (let i = 2; i < 20; i++) relay.fromCapture(delta(i, 20));
  assert.ok(relay.bufferedBytes <= 150, `bounded: ${relay.bufferedBytes}`);
  assert.equal(capture.json.filter((m) => m.type === 'snapshot.request' && m.reason === 'buffer_full').length, 1, 'asked once, not per frame');
  relay.fromCapture(snap(20, 50));
  const late = new FakePeer();
  relay.addAgent(late);
  assert.deepEqual(late.seqs(), ['S20']);
});

test('a slow agent stops getting deltas, then catches up from the snapshot when its socket drains', () => {
  const { relay } = relayWithCapture({ maxBufferedBytes: 100_000, agentBacklogBytes: 500 });
  const fast = new FakePeer();
  const slow = new FakePeer();
  relay.fromCapture(snap(1));
  relay.addAgent(fast);
  relay.addAgent(slow);
  slow.backlog = 10_000;
  relay.fromCapture(delta(2));
  relay.fromCapture(delta(3));
  assert.deepEqual(fast.seqs(), ['S1', 'D2', 'D3']);
  assert.deepEqual(slow.seqs(), ['S1'], 'nothing more queued for a slow agent');
  relay.serviceStaleAgents();
  assert.deepEqual(slow.seqs(), ['S1'], 'still backed up');
  slow.backlog = 0;
  relay.serviceStaleAgents();
  assert.deepEqual(slow.seqs(), ['S1', 'S1', 'D2', 'D3']);
});

test("the registry's timer is due for a relay only while one of its agents is behind or has a pointer held back", () => {
  const { relay } = relayWithCapture({ maxBufferedBytes: 100_000, agentBacklogBytes: 500 });
  relay.fromCapture(snap(1));
  const agent = new FakePeer();
  relay.addAgent(agent);
  relay.fromCapture(delta(2));
  assert.equal(relay.serviceDue, false, 'an agent that keeps up costs the timer nothing');
  agent.backlog = 10_000;
  relay.fromCapture(delta(3));
  assert.equal(relay.serviceDue, true, 'behind');
  relay.serviceStaleAgents();
  assert.equal(relay.serviceDue, true, 'still behind: looked at again');
  agent.backlog = 0;
  relay.serviceStaleAgents();
  assert.deepEqual(agent.seqs(), ['S1', 'D2', 'S1', 'D2', 'D3'], 'caught up from the cache');
  assert.equal(relay.serviceDue, false);
  agent.backlog = POINTER_BACKLOG_BYTES + 1;
  relay.fromCapture(encodePointer(1, 2));
  assert.equal(relay.serviceDue, true, 'a pointer position held back');
  agent.backlog = 0;
  relay.serviceStaleAgents();
  assert.equal(relay.serviceDue, false);
  assert.equal(agent.frames.length, 6, 'the held pointer went out');
});

test('sequence numbers above 2^31 still go forwards (the header is read as unsigned)', () => {
  const { relay } = relayWithCapture();
  const agent = new FakePeer();
  relay.fromCapture(snap(2 ** 31 - 1));
  relay.addAgent(agent);
  assert.equal(relay.fromCapture(delta(2 ** 31)), null);
  assert.equal(relay.fromCapture(delta(2 ** 32 - 1)), null);
  assert.deepEqual(agent.seqs(), [`S${2 ** 31 - 1}`, `D${2 ** 31}`, `D${2 ** 32 - 1}`]);
  assert.equal(relay.fromCapture(delta(2 ** 31 + 5)), 'out_of_order');
});

test('pointer frames go straight to agents and are never buffered', () => {
  const { relay } = relayWithCapture();
  relay.fromCapture(snap(1));
  const a = new FakePeer();
  relay.addAgent(a);
  relay.fromCapture(encodePointer(1, 2));
  assert.deepEqual(a.seqs(), ['S1', 'P0']);
  const b = new FakePeer();
  relay.addAgent(b);
  assert.deepEqual(b.seqs(), ['S1']);
});

test('bad frames are reported so the socket can be closed: short, unknown kind, backwards sequence', () => {
  const { relay } = relayWithCapture();
  assert.equal(relay.fromCapture(new Uint8Array([2, 0])), 'malformed');
  assert.equal(relay.fromCapture(encodeFrame(9 as never, 1, body(1))), 'malformed');
  assert.equal(relay.fromCapture(snap(5)), null);
  assert.equal(relay.fromCapture(delta(5)), 'out_of_order');
  assert.equal(relay.fromCapture(delta(4)), 'out_of_order');
  assert.equal(relay.fromCapture(delta(6)), null);
});

test('a reattached page starts a new stream: agents wait for its snapshot, old deltas are not replayed', () => {
  const { relay } = relayWithCapture();
  relay.fromCapture(snap(1));
  relay.fromCapture(delta(2));
  const agent = new FakePeer();
  relay.addAgent(agent);
  const page2 = new FakePeer();
  relay.attachCapture(page2);
  relay.fromCapture(delta(1));
  assert.deepEqual(agent.seqs(), ['S1', 'D2']);
  relay.fromCapture(snap(2));
  assert.deepEqual(agent.seqs(), ['S1', 'D2', 'S2']);
});

test('ending tells the page, closes it, and tells agents the customer is gone', () => {
  const { relay, capture } = relayWithCapture();
  const agent = new FakePeer();
  relay.addAgent(agent);
  relay.end('call_ended', 'SESSION_ENDED');
  assert.deepEqual(capture.json.at(-1), { type: 'session.ended', reason: 'call_ended' });
  assert.deepEqual(capture.closed, { code: 4007, reason: 'session ended' });
  assert.deepEqual(agent.json.at(-1), { type: 'customer.link', state: 'gone' });
});

test('an agent that cannot read the cached stream is resent it once, then the page is asked for a fresh snapshot', () => {
  const { relay, capture } = relayWithCapture();
  relay.fromCapture(snap(1));
  relay.fromCapture(delta(2));
  const agent = new FakePeer();
  relay.addAgent(agent);
  relay.resync(agent);
  assert.deepEqual(agent.seqs(), ['S1', 'D2', 'S1', 'D2'], 'first request: the cache again');
  assert.ok(!capture.json.some((m) => m.type === 'snapshot.request'));
  relay.resync(agent);
  assert.deepEqual(agent.seqs(), ['S1', 'D2', 'S1', 'D2'], 'second request against the same snapshot: not replayed in a loop');
  assert.ok(capture.json.some((m) => m.type === 'snapshot.request' && m.reason === 'agent_gap'));
  relay.fromCapture(delta(3));
  assert.deepEqual(agent.seqs().slice(4), [], 'it waits for the fresh snapshot');
  relay.fromCapture(snap(4));
  relay.fromCapture(delta(5));
  assert.deepEqual(agent.seqs().slice(4), ['S4', 'D5']);
  relay.resync(agent);
  assert.deepEqual(agent.seqs().slice(6), ['S4', 'D5'], 'a new snapshot: the cache is tried again first');
});

test('a pointer frame is 8 bytes of body: a larger (or smaller) one is refused, not relayed', () => {
  const { relay } = relayWithCapture();
  relay.fromCapture(snap(1));
  const agent = new FakePeer();
  relay.addAgent(agent);
  assert.equal(relay.fromCapture(encodeFrame(FRAME_KIND.POINTER, 0, body(1024 * 1024))), 'malformed');
  assert.equal(relay.fromCapture(encodeFrame(FRAME_KIND.POINTER, 0, body(4))), 'malformed');
  assert.deepEqual(agent.seqs(), ['S1']);
});

test('pointer frames are latest-wins: a backed-up agent gets only the newest position once it drains', () => {
  const { relay } = relayWithCapture({ maxBufferedBytes: 100_000, agentBacklogBytes: 100_000 });
  relay.fromCapture(snap(1));
  const agent = new FakePeer();
  relay.addAgent(agent);
  agent.backlog = POINTER_BACKLOG_BYTES + 1;
  for (let x = 0; x < 1000; x++) assert.equal(relay.fromCapture(encodePointer(x, 7)), null);
  assert.deepEqual(agent.seqs(), ['S1'], 'nothing queued while the agent is behind');
  relay.serviceStaleAgents();
  assert.deepEqual(agent.seqs(), ['S1'], 'still behind');
  agent.backlog = 0;
  relay.serviceStaleAgents();
  assert.equal(agent.frames.length, 2);
  assert.deepEqual(Buffer.from(agent.frames[1]!), Buffer.from(encodePointer(999, 7)), 'only the newest position');
  relay.serviceStaleAgents();
  assert.equal(agent.frames.length, 2, 'sent once');
});

test("a session's page may send its burst, then its bytes per second; the budget is per session, not per socket", () => {
  const { relay } = relayWithCapture({ captureBytesPerSecond: 1000, captureBurstBytes: 10_000 }, 0);
  assert.equal(relay.admit(10_000, 0), true, 'the burst at once');
  assert.equal(relay.admit(1, 0), false, 'then nothing more at that instant');
  assert.equal(relay.admit(500, 500), true, 'half a second later, half a second of budget');
  assert.equal(relay.admit(600, 1000), false);
  relay.attachCapture(new FakePeer());
  assert.equal(relay.admit(600, 1000), false, 'a new socket for the session does not refill it');
  assert.equal(relay.admit(10_000, 100_000), true, 'refilled up to the burst with time');
});

test('a page that stops reading is cut off instead of queued for', () => {
  const { relay, capture } = relayWithCapture();
  relay.toCapture({ type: 'agent.pointer', x: 1, y: 1, visible: true });
  assert.equal(capture.closed, null);
  capture.backlog = CAPTURE_BACKLOG_BYTES + 1;
  relay.toCapture({ type: 'agent.pointer', x: 2, y: 2, visible: true });
  assert.deepEqual(capture.closed, CLOSE_CODES.TOO_FAR_BEHIND);
  assert.equal(relay.capture, null);
});

test('an agent whose queue passes its bound is cut off instead of queued for', () => {
  const { relay } = relayWithCapture({});
  const agent = new FakePeer();
  relay.addAgent(agent);
  agent.backlog = agentQueueBound(DEFAULT_RELAY_LIMITS) - 64 * 1024;
  relay.toAgents({ type: 'control.result', id: 1, ok: true });
  assert.equal(agent.closed, null, 'a full catch-up and some messages are allowed');
  agent.backlog = agentQueueBound(DEFAULT_RELAY_LIMITS);
  relay.toAgents({ type: 'control.result', id: 2, ok: true });
  assert.deepEqual(agent.closed, CLOSE_CODES.TOO_FAR_BEHIND);
});

test('a drifted replica asks the page for a fresh snapshot, at most once per DRIFT_SNAPSHOT_EVERY_MS per session', () => {
  const { relay, capture } = relayWithCapture();
  relay.fromCapture(snap(1));
  const drifts = () => capture.json.filter((m) => m.type === 'snapshot.request' && m.reason === 'agent_drift').length;
  relay.refresh(100_000);
  assert.equal(drifts(), 1, 'the page is asked at once');
  relay.fromCapture(snap(2));
  relay.refresh(100_000 + DRIFT_SNAPSHOT_EVERY_MS - 1);
  assert.equal(drifts(), 1, 'a second ask within the interval costs the page nothing');
  relay.refresh(100_000 + DRIFT_SNAPSHOT_EVERY_MS);
  assert.equal(drifts(), 2, 'after the interval the page is asked again');
});

test('a mirror (fed by the owner node) starts over at any snapshot and skips deltas it has, instead of refusing them', () => {
  const relay = new SessionRelay('ses_m', 'org_1', 'call-1', { ...DEFAULT_RELAY_LIMITS, maxBufferedBytes: 1000, agentBacklogBytes: 500 });
  const link = new FakePeer();
  relay.capture = link;
  relay.mirror = true;
  relay.linkKnown = false;
  const agent = new FakePeer();
  relay.addAgent(agent);
  assert.deepEqual(agent.json.filter((m) => m.type === 'customer.link'), [], 'no link state before the owner said it');
  relay.setLink('reconnecting');
  assert.deepEqual(agent.json.filter((m) => m.type === 'customer.link'), [{ type: 'customer.link', state: 'reconnecting' }],
    'the owner\'s word, even if it matches the default');
  assert.equal(relay.fromCapture(snap(5)), null);
  assert.equal(relay.fromCapture(delta(6)), null);
  // A catch-up sends the same snapshot and deltas again; a new page on the owner starts at 1.
  assert.equal(relay.fromCapture(snap(5)), null);
  assert.equal(relay.fromCapture(delta(6)), null);
  assert.equal(relay.fromCapture(delta(6)), null, 'a delta it has is skipped');
  assert.equal(relay.fromCapture(snap(1)), null);
  assert.equal(relay.fromCapture(delta(2)), null);
  assert.deepEqual(agent.seqs(), ['S5', 'D6', 'S5', 'D6', 'S1', 'D2']);
  const late = new FakePeer();
  relay.addAgent(late);
  assert.deepEqual(late.seqs(), ['S1', 'D2']);
});
