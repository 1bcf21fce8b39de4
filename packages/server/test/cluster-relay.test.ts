import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES, FRAME_KIND, encodeFrame, encodePointer, type FrameKind } from '@tandem/protocol';
import { SHOP_ORIGIN, connectedCall, createDeployment } from './fixtures.ts';
import { freshPostgresDatabase } from './postgres-db.ts';
import { RelayClient } from './relay-clients.ts';
import { VisitorClient } from './visitor-client.ts';
import { OwnRedis } from './faults/own-redis.ts';
import { TandemProcess } from './faults/tandem-process.ts';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const RESUME_WINDOW_SECONDS = 10;
const frame = (kind: FrameKind, seq: number, text: string) =>
  Buffer.from(encodeFrame(kind, seq, json([{ type: kind === FRAME_KIND.SNAPSHOT ? 2 : 3, data: { text } }])));
const has = (c: RelayClient, f: Buffer) => c.frames.some((x) => Buffer.from(x).equals(f));
// The link state as the console follows it: `customer.link` messages and the view in `ready` and `view` (an ended
// session's view says `gone`, which may come after the node's last `customer.link`).
const links = (c: RelayClient): string[] =>
  c.json.flatMap((m) => (m.type === 'customer.link' ? [m.state] : m.type === 'ready' || m.type === 'view' ? [m.view.customerLink] : []));

/**
 * Several `tandem start` processes on one Postgres and a Redis of the test's own: a customer's
 * page streams to one node while agents watch on others. The page's node (the owner) is SIGKILLed
 * mid-session: the page reconnects to another node and the agents follow it there.
 */
describe('live relay across nodes: real processes, Redis and Postgres', () => {
  let redis: OwnRedis;
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  const nodes: TandemProcess[] = [];
  const dirs: string[] = [];
  const clients: { close(): void }[] = [];
  let a: TandemProcess;
  let b: TandemProcess;
  let c: TandemProcess;
  let dep: { key: string; identitySecret: string };

  const start = async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-cluster-relay-'));
    dirs.push(dir);
    const env = { DATA_DIR: dir, DATABASE_URL: db.url, REDIS_URL: redis.url, RESUME_WINDOW_SECONDS: String(RESUME_WINDOW_SECONDS) };
    const node = await TandemProcess.start(env, nodes[0]?.credentials);
    nodes.push(node);
    return node;
  };

  before(async () => {
    redis = await OwnRedis.create();
    db = await freshPostgresDatabase();
    a = await start();
    [b, c] = await Promise.all([start(), start()]);
    dep = await createDeployment(a);
  });
  after(async () => {
    for (const cl of clients) cl.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A call whose customer accepted on `pageNode` (the page's visitor socket is there). */
  async function liveSession(pageNode: TandemProcess) {
    const call = await connectedCall(pageNode);
    const page = await VisitorClient.connect(pageNode.url, dep.key, SHOP_ORIGIN);
    clients.push(page);
    await page.identify(dep.identitySecret, call.customer.id);
    const inv = (await pageNode.api('POST', '/v1/invites', { conversationId: call.id })).body;
    const started = await page.acceptInvite(inv.id);
    assert.equal(started.type, 'session.started');
    const { sessionId, captureToken } = started as { sessionId: string; captureToken: string };
    const agentToken = (await pageNode.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body.token as string;
    return { call, page, sessionId, captureToken, agentToken };
  }

  async function capture(node: TandemProcess, token: string) {
    const cl = await RelayClient.open(node.url, '/v1/capture');
    clients.push(cl);
    cl.send({ type: 'auth', token });
    await cl.jsonOf('ready', 15_000);
    return cl;
  }

  async function agent(node: TandemProcess, token: string) {
    const cl = await RelayClient.open(node.url, '/v1/agent');
    clients.push(cl);
    cl.send({ type: 'auth', token });
    await cl.jsonOf('ready', 15_000);
    return cl;
  }

  const linkIs = (cl: RelayClient, state: string, timeoutMs = 10_000) => cl.until(() => links(cl).at(-1) === state, timeoutMs, `customer.link ${state}`);

  test('page on A, agents on B: the stream byte for byte, a late agent from snapshot + deltas, pointers both ways', async (t) => {
    const live = await liveSession(a);
    const cap = await capture(a, live.captureToken);
    const a1 = await agent(b, live.agentToken);
    await linkIs(a1, 'connected');
    const snapshot = frame(FRAME_KIND.SNAPSHOT, 1, 'the page');
    const deltas = [2, 3, 4].map((s) => frame(FRAME_KIND.DELTA, s, `typed ${s}`));
    cap.sendFrame(snapshot);
    for (const d of deltas) cap.sendFrame(d);
    await a1.until(() => has(a1, deltas[2]!), 10_000, 'the last delta at B');
    const sent = [snapshot, ...deltas];
    // Joining as the owner announces itself may bring the catch-up twice; the stream's end is exact.
    assert.deepEqual(a1.frames.slice(-4).map((f) => Buffer.from(f)), sent);
    assert.ok(a1.frames.every((f) => sent.some((s) => s.equals(Buffer.from(f)))), 'only the page\'s frames, unchanged');

    const late = await agent(b, live.agentToken);
    await late.until(() => late.frames.length >= 4, 10_000, 'the catch-up of the late agent');
    assert.deepEqual(late.frames.map((f) => Buffer.from(f)), sent, 'the late agent starts from the snapshot and every delta since');
    assert.ok(links(late).every((l) => l === 'connected'), `the late agent was told the customer is connected: ${links(late)}`);

    const pointer = Buffer.from(encodePointer(10, 20));
    cap.sendFrame(pointer);
    await late.until(() => has(late, pointer), 10_000, 'the page pointer at B');
    late.send({ type: 'pointer', x: 100, y: 200, visible: true });
    assert.deepEqual(await cap.jsonOf('agent.pointer', 10_000), { type: 'agent.pointer', x: 100, y: 200, visible: true });
    await cap.until(() => cap.json.findLast((m) => m.type === 'agent.presence')?.agents === 2, 10_000, 'presence: two agents on B');
    assert.ok(links(a1).slice(links(a1).indexOf('connected')).every((l) => l === 'connected'), `B never said reconnecting while A held the page: ${links(a1)}`);
    t.diagnostic(`link states at B: ${links(a1)}`);
  });

  test('control commands from an agent on B reach the page on A only after the customer granted control', async () => {
    const live = await liveSession(a);
    const cap = await capture(a, live.captureToken);
    const ag = await agent(b, live.agentToken);
    await linkIs(ag, 'connected');
    ag.send({ type: 'control.command', id: 1, command: { action: 'click', nodeId: 5 } });
    assert.equal((await ag.jsonOf('error', 10_000)).code, 'invalid_state');

    ag.send({ type: 'control.request' });
    await cap.jsonOf('control.request', 10_000);
    await live.page.acceptControl(live.sessionId);
    await cap.until(() => cap.json.find((m) => m.type === 'control.state' && m.control === true), 10_000, 'control.state at the page');
    ag.send({ type: 'control.command', id: 2, command: { action: 'type', nodeId: 7, text: 'hello' } });
    assert.deepEqual(await cap.jsonOf('control.command', 10_000), { type: 'control.command', id: 2, command: { action: 'type', nodeId: 7, text: 'hello' } });
    cap.send({ type: 'control.result', id: 2, ok: false, error: 'masked field' });
    assert.deepEqual(await ag.jsonOf('control.result', 10_000), { type: 'control.result', id: 2, ok: false, error: 'masked field' });
    assert.equal(cap.json.filter((m) => m.type === 'control.command').length, 1, 'the refused command never reached the page');
  });

  test('hanging up through either node ends the relay on both', async () => {
    for (const [through, how] of [[b, 'call'], [a, 'session']] as const) {
      const live = await liveSession(a);
      const cap = await capture(a, live.captureToken);
      const ag = await agent(b, live.agentToken);
      await linkIs(ag, 'connected');
      const res = how === 'call'
        ? await through.api('PUT', `/v1/conversations/${live.call.id}`, { state: 'disconnected' })
        : await through.api('POST', `/v1/sessions/${live.sessionId}/end`, {});
      assert.equal(res.status, 200, res.text);
      const reason = how === 'call' ? 'call_ended' : 'api_ended';
      assert.equal((await cap.jsonOf('session.ended', 10_000)).reason, reason, `through ${through === a ? 'A' : 'B'}`);
      assert.equal((await cap.closed).code, CLOSE_CODES.SESSION_ENDED.code);
      await linkIs(ag, 'gone');
      const ended = await ag.until(() => ag.json.find((m) => m.type === 'view' && m.view.session?.state === 'ended'), 10_000, 'the ended view at B');
      assert.equal(ended.view.session.endReason, reason);
    }
  });

  test('SIGKILL the node holding the page: the page resumes on B, agents on B and C get a fresh snapshot, nothing ends or repeats', async (t) => {
    const live = await liveSession(a);
    let cap = await capture(a, live.captureToken);
    const onB = await agent(b, live.agentToken);
    const onC = await agent(c, live.agentToken);
    await Promise.all([linkIs(onB, 'connected'), linkIs(onC, 'connected')]);
    cap.sendFrame(frame(FRAME_KIND.SNAPSHOT, 1, 'before'));
    let seq = 1;
    // The page streams while its node dies.
    const streaming = setInterval(() => cap.ws.readyState === cap.ws.OPEN && cap.sendFrame(frame(FRAME_KIND.DELTA, ++seq, `typing ${seq}`)), 20);
    await onC.until(() => onC.frames.length >= 5, 10_000, 'the stream at C');
    const killed = Date.now();
    await a.kill();
    clearInterval(streaming);
    await Promise.all([linkIs(onB, 'reconnecting'), linkIs(onC, 'reconnecting')]);
    const noticed = Date.now() - killed;

    // The SDK reconnects through the balancer; here it lands on B, with the same capture token.
    cap = await capture(b, live.captureToken);
    const resumed = Date.now() - killed;
    const fresh = frame(FRAME_KIND.SNAPSHOT, 1, 'after');
    const next = frame(FRAME_KIND.DELTA, 2, 'typing on');
    cap.sendFrame(fresh);
    cap.sendFrame(next);
    for (const ag of [onB, onC]) {
      await ag.until(() => has(ag, next), 10_000, 'the new stream');
      assert.deepEqual(ag.frames.slice(-2).map((f) => Buffer.from(f)), [fresh, next], 'a fresh snapshot, then its deltas');
      await linkIs(ag, 'connected');
    }
    await cap.until(() => cap.json.findLast((m) => m.type === 'agent.presence')?.agents === 2, 10_000, 'presence: B and C');
    // Past the window the old owner's keep-alive would have run out: the new owner keeps the session.
    await new Promise((r) => setTimeout(r, RESUME_WINDOW_SECONDS * 1000 - (Date.now() - killed) + 1000));
    assert.equal((await b.api('GET', `/v1/sessions/${live.sessionId}`)).body.state, 'active', 'the session was not ended');
    cap.sendFrame(frame(FRAME_KIND.DELTA, 3, 'still here'));
    await onC.until(() => has(onC, frame(FRAME_KIND.DELTA, 3, 'still here')), 10_000, 'frames after the window');

    const events = (await c.api('GET', `/v1/events?conversationId=${live.call.id}&limit=1000`)).body.data as { id: string; seq: number; type: string }[];
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'each event once');
    assert.equal(events.filter((e) => e.type === 'session.started').length, 1);
    assert.ok(!events.some((e) => e.type === 'session.ended'));
    const consoleSeqs = onC.json.filter((m) => m.type === 'event').map((m) => m.event.seq as number);
    assert.equal(new Set(consoleSeqs).size, consoleSeqs.length, 'the console on C got no event twice');
    t.diagnostic(`owner SIGKILLed: agents saw "reconnecting" after ${noticed} ms, the page resumed on B ${resumed} ms after the kill`);
  });

  test('SIGKILL a node with agents: the owner stops counting them, the page and the other nodes\' agents go on', async () => {
    const e = await start();
    const live = await liveSession(b);
    const cap = await capture(b, live.captureToken);
    const onE = await agent(e, live.agentToken);
    const onC = await agent(c, live.agentToken);
    await Promise.all([linkIs(onE, 'connected'), linkIs(onC, 'connected')]);
    await cap.until(() => cap.json.findLast((m) => m.type === 'agent.presence')?.agents === 2, 10_000, 'presence: E and C');
    await e.kill();
    await cap.until(() => cap.json.findLast((m) => m.type === 'agent.presence')?.agents === 1, 15_000, 'presence: C alone');
    const snapshot = frame(FRAME_KIND.SNAPSHOT, 1, 'still sharing');
    cap.sendFrame(snapshot);
    await onC.until(() => has(onC, snapshot), 10_000, 'the stream at C');
    assert.equal((await c.api('GET', `/v1/sessions/${live.sessionId}`)).body.state, 'active');
  });

  test('a page that never comes back after its node was SIGKILLed ends customer_left within the resume window', async (t) => {
    const d = await start();
    const live = await liveSession(d);
    const cap = await capture(d, live.captureToken);
    const ag = await agent(b, live.agentToken);
    await linkIs(ag, 'connected');
    cap.sendFrame(frame(FRAME_KIND.SNAPSHOT, 1, 'page'));
    await ag.until(() => ag.frames.length >= 1, 10_000, 'the snapshot at B');
    const killed = Date.now();
    await d.kill();
    await linkIs(ag, 'reconnecting');
    const endedView = () => ag.json.find((m) => m.type === 'view' && m.view.session?.state === 'ended');
    const ended = await ag.until(endedView, (RESUME_WINDOW_SECONDS + 5) * 1000, 'the session ended');
    const after = Date.now() - killed;
    assert.equal(ended.view.session.endReason, 'customer_left');
    assert.equal((await b.api('GET', `/v1/sessions/${live.sessionId}`)).body.endReason, 'customer_left');
    await linkIs(ag, 'gone');
    t.diagnostic(`owner SIGKILLed, page gone: customer_left ${after} ms after the kill (window ${RESUME_WINDOW_SECONDS} s)`);
  });
});
