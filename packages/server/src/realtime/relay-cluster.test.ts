import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES, FRAME_KIND, decodeFrameHeader, encodeFrame, encodePointer, type CloseCodeName } from '@tandem/protocol';
import { OwnRedis } from '../../test/faults/own-redis.ts';
import { RelayCluster } from './relay-cluster.ts';
import { RelayRegistry } from './relay-registry.ts';
import { DEFAULT_RELAY_LIMITS, type RelayLimits, type RelayPeer } from './session-relay.ts';

/** A socket as the relay sees it, recording what it is sent. */
class Peer implements RelayPeer {
  frames: Buffer[] = [];
  json: any[] = [];
  closed: { code: number; reason: string } | null = null;
  backlog = 0;
  sendFrame(f: Uint8Array) {
    this.frames.push(Buffer.from(f));
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
    return this.frames.map((f) => `${decodeFrameHeader(f)!.kind === FRAME_KIND.SNAPSHOT ? 'S' : 'D'}${decodeFrameHeader(f)!.seq}`);
  }
  links() {
    return this.json.filter((m) => m.type === 'customer.link').map((m) => m.state as string);
  }
}

const quiet = { warn() {}, info() {}, debug() {} };
const snap = (seq: number, size = 100) => encodeFrame(FRAME_KIND.SNAPSHOT, seq, new Uint8Array(size).fill(seq));
const delta = (seq: number, size = 10) => encodeFrame(FRAME_KIND.DELTA, seq, new Uint8Array(size).fill(seq % 256));

async function until<T>(pick: () => T | undefined | null | false, what: string | (() => string), timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = pick();
    if (v) return v;
    if (Date.now() > end) throw new Error(`no ${typeof what === 'string' ? what : what()} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Two nodes' relays in one process on a real Redis of the test's own: the owner node keeps the
 * cache, the other mirrors it; frames cross byte for byte, and a stalled Redis makes the remote
 * node a slow agent of the owner (bounded, then caught up) rather than a growing queue.
 */
describe('relay cluster: two nodes on a real Redis', () => {
  let redis: OwnRedis;
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, maxBufferedBytes: 1024 * 1024, agentBacklogBytes: 64 * 1024 };
  const nodes: { registry: RelayRegistry; cluster: RelayCluster }[] = [];
  const node = async () => {
    const registry = new RelayRegistry(limits);
    const cluster = await RelayCluster.connect(redis.url, { commandTimeoutMs: 500, log: quiet });
    registry.useCluster(cluster);
    nodes.push({ registry, cluster });
    return registry;
  };
  before(async () => {
    redis = await OwnRedis.create();
  });
  after(async () => {
    redis?.resume();
    for (const n of nodes) await n.registry.close();
    await redis?.stop();
  });

  test('page on A, agents on B: frames byte for byte, a late agent from the mirror, messages to the page, presence', async () => {
    const [a, b] = [await node(), await node()];
    const page = new Peer();
    a.attachCapture('ses_1', 'org_1', 'call-1', page);
    const s1 = snap(1);
    a.get('ses_1')!.fromCapture(s1);
    a.get('ses_1')!.fromCapture(delta(2));
    const agent = new Peer();
    b.join('ses_1', 'org_1', 'call-1', agent);
    await until(() => agent.frames.length >= 2, 'the catch-up at B');
    assert.deepEqual(agent.frames.slice(0, 2), [Buffer.from(s1), Buffer.from(delta(2))]);
    // B may join while A is still announcing itself as owner: then it is sent the catch-up twice; wait for it to settle.
    await new Promise((r) => setTimeout(r, 100));
    agent.frames.splice(0, agent.frames.length - 2);
    assert.deepEqual(agent.frames, [Buffer.from(s1), Buffer.from(delta(2))]);
    assert.deepEqual(agent.links(), ['connected'], 'told what the owner knows, never a guess');
    const d3 = delta(3, 2000);
    a.get('ses_1')!.fromCapture(d3);
    const pointer = encodePointer(5, 6);
    a.get('ses_1')!.fromCapture(pointer);
    await until(() => agent.frames.length >= 4, 'the live delta and pointer at B');
    assert.ok(agent.frames[2]!.equals(Buffer.from(d3)) && agent.frames[3]!.equals(Buffer.from(pointer)), 'unchanged, in order');

    // A late agent on B starts from B's own cache at once.
    const late = new Peer();
    b.join('ses_1', 'org_1', 'call-1', late);
    assert.deepEqual(late.seqs(), ['S1', 'D2', 'D3']);
    assert.deepEqual(late.links(), ['connected']);

    b.get('ses_1')!.toCapture({ type: 'agent.pointer', x: 1, y: 2, visible: true });
    await until(() => page.json.find((m) => m.type === 'agent.pointer'), 'the pointer at the page on A');
    await until(() => page.json.findLast((m) => m.type === 'agent.presence')?.agents === 2, 'presence 2 (both on B)');
    b.get('ses_1')!.toCapture({ type: 'control.state', control: true });
    b.get('ses_1')!.toCapture({ type: 'session.ended', reason: 'call_ended' });
    b.leave(b.get('ses_1')!, late);
    await until(() => page.json.findLast((m) => m.type === 'agent.presence')?.agents === 1, 'presence 1');
    const forwarded = page.json.filter((m) => m.type === 'control.state' || m.type === 'session.ended');
    assert.deepEqual(forwarded, [], 'a mirror forwards no control state or end: the owner hears those itself');

    // A replica on B that drifted from the page: the page on A is asked for a fresh snapshot.
    b.get('ses_1')!.refresh();
    await until(() => page.json.find((m) => m.type === 'snapshot.request' && m.reason === 'agent_drift'), 'the drift request at the page on A');

    // The page's own messages for agents reach B's agents.
    a.get('ses_1')!.toAgents({ type: 'control.result', id: 4, ok: true });
    await until(() => agent.json.find((m) => m.type === 'control.result'), 'the control result at B');

    // The session ends on every node: the owner forgets B, B's agents see the customer gone.
    a.end('ses_1', 'call_ended');
    b.end('ses_1', 'call_ended');
    assert.equal(page.closed?.code, CLOSE_CODES.SESSION_ENDED.code);
    assert.equal(agent.links().at(-1), 'gone');
    assert.equal(a.size, 0, 'nothing kept on the owner');
    b.leave(b.get('ses_1')!, agent);
    assert.equal(b.size, 0);
  });

  test('the page moves to B: B owns it, A yields its stale socket, agents on both get the new stream and link state', async () => {
    const [a, b] = [await node(), await node()];
    const oldPage = new Peer();
    a.attachCapture('ses_2', 'org_1', 'call-2', oldPage);
    a.get('ses_2')!.fromCapture(snap(7));
    const onA = new Peer();
    const onB = new Peer();
    a.join('ses_2', 'org_1', 'call-2', onA);
    b.join('ses_2', 'org_1', 'call-2', onB);
    await until(() => onB.frames.length >= 1, 'the snapshot at B');

    const newPage = new Peer();
    b.attachCapture('ses_2', 'org_1', 'call-2', newPage);
    await until(() => oldPage.closed, 'the stale page socket on A closed');
    assert.equal(oldPage.closed!.code, CLOSE_CODES.REPLACED.code);
    // The new page starts its numbering over; A's agent (now on a mirror) gets it byte for byte.
    b.get('ses_2')!.fromCapture(snap(1, 300));
    b.get('ses_2')!.fromCapture(delta(2));
    await until(() => onA.seqs().join().endsWith('S7,S1,D2'), 'the new stream at A');
    assert.deepEqual(onB.seqs().slice(-3), ['S7', 'S1', 'D2']);
    assert.equal(onA.links().at(-1), 'connected');
    assert.equal(onB.links().at(-1), 'connected');
    await until(() => newPage.json.findLast((m) => m.type === 'agent.presence')?.agents === 2, 'presence 2 at the new page');

    // The page leaves B: every node's agents see it reconnecting.
    b.get('ses_2')!.detachCapture(newPage);
    await until(() => onA.links().at(-1) === 'reconnecting', 'reconnecting at A');
    assert.equal(onB.links().at(-1), 'reconnecting');
  });

  test('a slow agent on the mirror node catches up from that node\'s cache; the owner and the page are not asked', async () => {
    const [a, b] = [await node(), await node()];
    const page = new Peer();
    a.attachCapture('ses_5', 'org_1', 'call-5', page);
    const owner = a.get('ses_5')!;
    owner.fromCapture(snap(1));
    const fast = new Peer();
    const slow = new Peer();
    b.join('ses_5', 'org_1', 'call-5', fast);
    b.join('ses_5', 'org_1', 'call-5', slow);
    await until(() => fast.frames.length >= 1 && slow.frames.length >= 1, 'the snapshot at both');
    slow.backlog = limits.agentBacklogBytes + 1;
    for (let seq = 2; seq <= 5; seq++) owner.fromCapture(delta(seq));
    await until(() => fast.seqs().at(-1) === 'D5', 'the deltas at the fast agent');
    assert.ok(!slow.seqs().includes('D3'), `the slow agent is not queued for: ${slow.seqs()}`);
    const asked = page.json.filter((m) => m.type === 'snapshot.request').length;
    slow.backlog = 0;
    await until(() => slow.seqs().join().endsWith('S1,D2,D3,D4,D5'), () => `the catch-up (${slow.seqs()})`);
    assert.equal(page.json.filter((m) => m.type === 'snapshot.request').length, asked, 'the page was not asked for a snapshot');
    owner.fromCapture(delta(6));
    await until(() => slow.seqs().at(-1) === 'D6' && fast.seqs().at(-1) === 'D6', 'live again for both');
  });

  test('the owner node shuts down: agents on other nodes hear "reconnecting" at once, not a beat timeout later', async () => {
    const [a, b] = [await node(), await node()];
    a.attachCapture('ses_6', 'org_1', 'call-6', new Peer());
    a.get('ses_6')!.fromCapture(snap(1));
    const agent = new Peer();
    b.join('ses_6', 'org_1', 'call-6', agent);
    await until(() => agent.frames.length >= 1, 'the snapshot at B');
    await a.close();
    // Well under the 4 s after which a silent owner is taken for dead.
    await until(() => agent.links().at(-1) === 'reconnecting', 'reconnecting at B', 2000);
  });

  test('Redis restarted: the nodes link up again and the other node catches up from the snapshot', async () => {
    const [a, b] = [await node(), await node()];
    const page = new Peer();
    a.attachCapture('ses_4', 'org_1', 'call-4', page);
    const owner = a.get('ses_4')!;
    owner.fromCapture(snap(1));
    const agent = new Peer();
    b.join('ses_4', 'org_1', 'call-4', agent);
    await until(() => agent.frames.length >= 1, 'the snapshot at B');
    await redis.stop();
    owner.fromCapture(delta(2));
    owner.fromCapture(delta(3));
    await redis.start();
    // What was sent during the outage is lost on the way; B joins again and is sent the snapshot and deltas since.
    await until(() => agent.seqs().join().endsWith('S1,D2,D3'), () => `the catch-up after the outage (B has ${agent.seqs()})`, 15_000);
    owner.fromCapture(delta(4));
    await until(() => agent.seqs().at(-1) === 'D4', 'live again');
    b.get('ses_4')!.toCapture({ type: 'agent.pointer', x: 3, y: 4, visible: true });
    await until(() => page.json.find((m) => m.type === 'agent.pointer'), 'the pointer from B at the page');
  });

  test('a stalled Redis makes the other node a slow agent: what waits for it stays bounded, then it catches up', async () => {
    const [a, b] = [await node(), await node()];
    const page = new Peer();
    a.attachCapture('ses_3', 'org_1', 'call-3', page);
    const owner = a.get('ses_3')!;
    owner.fromCapture(snap(1));
    const agent = new Peer();
    b.join('ses_3', 'org_1', 'call-3', agent);
    await until(() => agent.frames.length >= 1, 'the snapshot at B');

    redis.pause();
    let seq = 1;
    let peak = 0;
    // 800 KiB of deltas (within the cache) while Redis answers nothing: the remote node goes stale at its backlog.
    for (let i = 0; i < 400; i++) {
      owner.fromCapture(delta(++seq, 2048));
      peak = Math.max(peak, owner.heldBytes() - owner.bufferedBytes);
    }
    assert.ok(peak <= limits.agentBacklogBytes + 4096, `queued for the other node: ${peak} bytes`);
    redis.resume();
    // Drained, the node is sent the snapshot and the deltas since (a catch-up) and is live again.
    await until(() => agent.frames.at(-1)?.equals(Buffer.from(delta(seq, 2048))), 'the catch-up at B', 15_000);
    const seqs = agent.seqs();
    assert.ok(seqs.lastIndexOf('S1') > 0, `a catch-up from the snapshot: ${seqs.slice(0, 3)} … ${seqs.slice(-3)}`);
    owner.fromCapture(delta(++seq));
    await until(() => agent.seqs().at(-1) === `D${seq}`, 'live deltas again');
  });
});
