// Three Tandem nodes behind nginx (round robin, no sticky sessions), a real customer in Chromium
// with the SDK, an agent on another node: the replica is live across nodes, and the cluster
// rides out a node killed under the page, a node killed while it delivers webhooks, and a Redis
// restart. Each fault prints one line of figures (time to recover, events lost, duplicates).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { connectAgent, nodeIdInSnapshot, type AgentClient } from '../harness/agent-client.ts';
import { buildBrowserBundles } from '../harness/browser-bundles.ts';
import { launchChromium } from '../harness/chromium.ts';
import { startShopSite, type ShopSite } from '../harness/shop-site.ts';
import { tandemUi, type TandemUi } from '../harness/tandem-ui.ts';
import { watchWire, type WireWatch } from '../harness/wire-watch.ts';
import { callId } from '../../packages/server/test/fixtures.ts';
import { startCluster, type Cluster } from '../../packages/server/test/cluster/cluster.ts';
import { nodeHolding, socketsByNode } from '../../packages/server/test/cluster/node-sockets.ts';
import { startHoldingReceiver, type HoldingReceiver } from '../../packages/server/test/cluster/holding-receiver.ts';

let cluster: Cluster;
let shop: ShopSite;
let browser: Browser;
let page: Page;
let ui: TandemUi;
let wire: WireWatch;
let agent: AgentClient;
let receiver: HoldingReceiver;
let call: { id: string; customerId: string };
let deployment: { key: string; identitySecret: string };
/** The node holding the page's capture socket, and the agent's. */
let pageNode = -1;
let agentNode = -1;
let marker = 0;
/** The agent's socket died with its node (the agent client here does not reconnect). */
let agentLost = false;

const DANA = { id: 'agent-7', name: 'Dana' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    // A node index 0 is an answer too: only null, undefined and false mean "not yet".
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

type LogEvent = { id: string; seq: number; type: string; sessionId: string | null; conversationId: string | null };

async function eventsOf(conversationId: string): Promise<LogEvent[]> {
  const res = await cluster.api('GET', `/v1/events?conversationId=${encodeURIComponent(conversationId)}&limit=1000`);
  assert.equal(res.status, 200, res.text);
  return res.body.data as LogEvent[];
}

async function newCall(): Promise<{ id: string; customerId: string }> {
  const id = callId('cluster');
  const res = await cluster.api('PUT', `/v1/conversations/${id}`, { state: 'connected', customer: { id: `cust-${id}` }, agent: DANA });
  assert.ok(res.status === 200 || res.status === 201, res.text);
  return { id, customerId: res.body.customer.id as string };
}

/** Appends a line to the page's order list; returns its text (what the replica must show). */
async function appendMarker(): Promise<string> {
  const text = `cluster-marker-${++marker}`;
  await page.evaluate((t) => {
    const li = document.createElement('li');
    li.textContent = t;
    document.getElementById('orders')!.append(li);
  }, text);
  return text;
}

const agentHas = (text: string) => agent.frames().some((f) => f.text.includes(text));
const snapshotsAtAgent = () => agent.frames().filter((f) => f.kind === 'snapshot').length;

/** An agent socket through the balancer, on another node than the page's (round robin moves the next one on). */
async function agentOnAnotherNode(conversationId: string, avoid: number): Promise<{ client: AgentClient; node: number }> {
  const token = (await cluster.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId })).body.token as string;
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = await socketsByNode(cluster, 'agent');
    const client = await connectAgent(cluster.url, token);
    const node = await until(async () => {
      const now = await socketsByNode(cluster, 'agent');
      const grew = now.findIndex((n, i) => n > (before[i] ?? 0));
      return grew >= 0 ? grew : null;
    }, 5_000, 'the agent socket on a node');
    if (node !== avoid) return { client, node };
    client.close();
    await until(async () => (await socketsByNode(cluster, 'agent'))[node] === before[node], 5_000, 'the agent socket closed');
  }
  throw new Error('the balancer put every agent socket on the page node');
}

before(async () => {
  [cluster, shop, browser] = await Promise.all([
    startCluster({ nodes: 3, env: { WEBHOOK_ALLOW_PRIVATE: 'true', RESUME_WINDOW_SECONDS: '60', SWEEP_INTERVAL_MS: '200' } }),
    startShopSite(),
    launchChromium(),
    buildBrowserBundles(),
  ]);
  const dep = await cluster.api('POST', '/v1/deployments', { name: 'Northwind shop', companyName: 'Northwind Outfitters', allowedOrigins: [shop.origin] });
  assert.equal(dep.status, 201, dep.text);
  deployment = dep.body;
  // The customer's page reaches Tandem only through the balancer.
  shop.configure({ tandemUrl: cluster.url, deploymentKey: deployment.key, identitySecret: deployment.identitySecret });
  receiver = await startHoldingReceiver();
});

after(async () => {
  agent?.close();
  await browser?.close();
  await shop?.close();
  await receiver?.close();
  await cluster?.close();
});

describe('three nodes behind nginx, no sticky sessions', () => {
  test('page on node A, agent on node B through the balancer: the replica is live; pointer and control work', async () => {
    call = await newCall();
    shop.setCustomer(call.customerId);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    wire = await watchWire(page);
    await page.goto(shop.url('/shop/account.html'));
    ui = await tandemUi(page);
    await until(() => wire.received().some((t) => t.includes('"identified"')), 15_000, 'the page to identify');
    // The invite is made through whichever node the balancer picks; the page may be on another.
    const res = await cluster.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.deliveries.map((d: { channel: string; state: string }) => [d.channel, d.state]), [['push', 'delivered']]);
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await until(async () => (await eventsOf(call.id)).some((e) => e.type === 'session.started'), 15_000, 'session.started');

    pageNode = await until(() => nodeHolding(cluster, 'capture'), 15_000, 'the capture socket on a node').catch(async (err) => {
      throw new Error(`${(err as Error).message}; capture sockets by node: ${await socketsByNode(cluster, 'capture')}; ` +
        `visitor: ${await socketsByNode(cluster, 'visitor')}\n${cluster.nodes.map((n) => n.out.slice(-1500)).join('\n---\n')}`);
    });
    const placed = await agentOnAnotherNode(call.id, pageNode);
    agent = placed.client;
    agentNode = placed.node;
    assert.notEqual(agentNode, pageNode);
    // A late agent on another node starts from the latest snapshot.
    await agent.waitForFrame((f) => f.kind === 'snapshot' && f.text.includes('Recent orders'), 15_000);
    const text = await appendMarker();
    await agent.waitForFrame((f) => f.kind === 'delta' && f.text.includes(text), 10_000);

    await page.mouse.move(300, 200);
    await page.mouse.move(420, 260, { steps: 4 });
    await agent.waitForFrame((f) => f.kind === 'pointer' && f.text === JSON.stringify({ x: 420, y: 260 }), 10_000);
    agent.send({ type: 'pointer', x: 640, y: 180, visible: true });
    const pointerHidden = () => ui.evaluate('[data-agent-pointer]', 'function () { return this.hidden; }').catch(() => true);
    await until(async () => !(await pointerHidden()), 10_000, 'the agent pointer on the page');

    agent.send({ type: 'control.request' });
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await until(async () => (await eventsOf(call.id)).some((e) => e.type === 'session.control_granted'), 10_000, 'session.control_granted');
    const button = nodeIdInSnapshot(agent.frames(), 'add-item');
    assert.ok(button !== null);
    agent.send({ type: 'control.command', id: 1, command: { action: 'click', nodeId: button } });
    assert.equal((await agent.waitFor('control.result', (m) => m.id === 1, 10_000)).ok, true);
    assert.equal(await page.locator('#status').textContent(), 'Reordered: 1 item.');
    console.log(`cluster: page on node ${pageNode + 1}, agent on node ${agentNode + 1}; replica live, pointer both ways, control click applied`);
  });

  test('SIGKILL the node holding the page: the SDK reconnects through the balancer, the replica catches up, the session goes on, ' +
    'every event once', async () => {
    assert.ok(pageNode >= 0, 'needs the live session of the first test');
    const eventsBefore = await eventsOf(call.id);
    const snapshots = snapshotsAtAgent();
    const markers: string[] = [await appendMarker()];
    await agent.waitForFrame((f) => f.text.includes(markers[0]!), 10_000);

    const killed = pageNode;
    const killedAt = Date.now();
    await cluster.kill(killed);
    // The customer keeps using the page while its node is gone.
    let recoveredAt = 0;
    while (Date.now() - killedAt < 30_000) {
      markers.push(await appendMarker());
      if (!recoveredAt && snapshotsAtAgent() > snapshots) recoveredAt = Date.now();
      if (recoveredAt && Date.now() - recoveredAt > 1_000) break;
      await sleep(100);
    }
    assert.ok(recoveredAt, 'no fresh snapshot reached the agent within 30 s of the kill');
    const newNode = await until(() => nodeHolding(cluster, 'capture'), 10_000, 'the page on a surviving node');
    assert.notEqual(newNode, killed);
    await until(() => markers.every(agentHas), 10_000, 'every change at the agent').catch(() => undefined);
    const lost = markers.filter((m) => !agentHas(m));

    const sessions = (await cluster.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data as { state: string }[];
    assert.deepEqual(sessions.map((s) => s.state), ['active']);
    const events = await eventsOf(call.id);
    assert.ok(!events.some((e) => e.type === 'session.ended'), 'the session was ended');
    const ids = events.map((e) => e.id);
    const duplicates = ids.length - new Set(ids).size;
    const steps = ['invite.created', 'invite.accepted', 'session.started', 'session.control_granted'];
    const lifecycle = events.filter((e) => steps.includes(e.type)).map((e) => e.type);
    const keptBefore = eventsBefore.every((b) => ids.includes(b.id));
    console.log(`cluster fault: page node killed: agent's replica caught up ${recoveredAt - killedAt} ms after SIGKILL; ` +
      `changes lost ${lost.length} of ${markers.length}; events lost ${eventsBefore.filter((b) => !ids.includes(b.id)).length}, duplicates ${duplicates}`);
    assert.deepEqual(lost, []);
    assert.ok(keptBefore);
    assert.equal(duplicates, 0);
    assert.deepEqual(lifecycle, ['invite.created', 'invite.accepted', 'session.started', 'session.control_granted']);
    pageNode = newNode;
    // The cluster gets its third node back for the faults below.
    await cluster.restart(killed);
  });

  test('SIGKILL the node delivering webhooks: every event reaches the receiver at least once, de-duplicable by id', async () => {
    const hook = await cluster.api('POST', '/v1/webhooks', { url: receiver.url, events: ['conversation.updated'] });
    assert.equal(hook.status, 201, hook.text);
    const prefix = callId('hook');
    receiver.hold(true);
    const made: string[] = [];
    const makeCalls = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = `${prefix}-${made.length}`;
        made.push(id);
        const r = await cluster.api('PUT', `/v1/conversations/${id}`, { state: 'connected', customer: { id: `c-${id}` }, agent: DANA });
        assert.ok(r.status === 201 || r.status === 200, r.text);
      }
    };
    await makeCalls(10);
    // The receiver holds what arrives: the node that sent it is the one holding a connection to it.
    const sending = () => receiver.senderPids().map((pid) => cluster.nodes.findIndex((n) => n.pid === pid && n.exit === null)).find((i) => i >= 0);
    const victim = await until(sending, 20_000, 'a node delivering');
    const killedAt = Date.now();
    await cluster.kill(victim);
    agentLost ||= victim === agentNode;
    // Let the dead node's held connections close before the others' are answered.
    await sleep(300);
    receiver.hold(false);
    await makeCalls(10);
    const all = await cluster.api('GET', `/v1/events?types=conversation.updated&limit=1000`);
    const expected = (all.body.data as LogEvent[]).filter((e) => e.conversationId?.startsWith(prefix)).map((e) => e.id);
    assert.equal(expected.length, made.length, 'one conversation.updated per call');
    const arrivedIds = () => receiver.answered().map((r) => r.id);
    await until(() => expected.every((id) => arrivedIds().includes(id)), 60_000, 'every event at the receiver').catch(() => undefined);
    const got = arrivedIds();
    const lost = expected.filter((id) => !got.includes(id));
    const lastAt = Math.max(...receiver.answered().filter((r) => expected.includes(r.id)).map((r) => r.at));
    const duplicates = got.filter((id) => expected.includes(id)).length - new Set(got.filter((id) => expected.includes(id))).size;
    console.log(`cluster fault: webhook node killed (node ${victim + 1}): every event delivered ${lastAt - killedAt} ms after SIGKILL; ` +
      `events lost ${lost.length} of ${expected.length}, duplicates ${duplicates} (same webhook-id, dropped by the receiver)`);
    assert.deepEqual(lost, []);
    await cluster.restart(victim);
  });

  test('restart Redis mid-session: nodes reconnect, presence rebuilds, the session continues', async () => {
    assert.ok(pageNode >= 0, 'needs the live session');
    // A second customer, present and identified before the outage, must still be reachable after it.
    const second = await newCall();
    shop.setCustomer(second.customerId);
    const other = await (await browser.newContext()).newPage();
    const otherWire = await watchWire(other);
    await other.goto(shop.url('/shop/account.html'));
    await until(() => otherWire.received().some((t) => t.includes('"identified"')), 15_000, 'the second page to identify');

    // The page and the agent on different nodes, so the session's frames cross Redis: the faults
    // above may have killed the agent's node or moved the page onto it; then a fresh agent joins.
    pageNode = await until(() => nodeHolding(cluster, 'capture'), 15_000, 'the page on a node');
    if (agentLost || pageNode === agentNode) {
      agent.close();
      const placed = await agentOnAnotherNode(call.id, pageNode);
      agent = placed.client;
      agentNode = placed.node;
      await agent.waitForFrame((f) => f.kind === 'snapshot', 15_000);
    }
    const before = await appendMarker();
    await until(() => agentHas(before), 10_000, 'a change at the agent before the outage');

    const markers: string[] = [];
    const stoppedAt = Date.now();
    await cluster.redis.stop();
    markers.push(await appendMarker());
    await sleep(1_000);
    markers.push(await appendMarker());
    await cluster.redis.start();
    const restartedAt = Date.now();
    const busUp = async () => {
      const states = await Promise.all(cluster.nodes.map(async (n) => (await n.api('GET', '/readyz', undefined, { token: null })).body?.bus?.state));
      return states.every((s) => s === 'up');
    };
    await until(busUp, 30_000, 'every node back on Redis');
    const busAt = Date.now();
    // Presence: the invite is pushed to the second page wherever it is connected.
    let pushedAt = 0;
    await until(async () => {
      const r = await cluster.api('POST', '/v1/invites', { conversationId: second.id, channels: ['push'] });
      if (r.status === 201 && r.body.deliveries.some((d: { channel: string; state: string }) => d.channel === 'push' && d.state === 'delivered')) {
        pushedAt = Date.now();
        return true;
      }
      return false;
    }, 30_000, 'a push invite to the second page after the restart');
    const otherUi = await tandemUi(other);
    await otherUi.waitFor('dialog [data-action="accept"]');
    // The session goes on: what the customer does reaches the agent on the other node.
    markers.push(await appendMarker());
    const t = markers.at(-1)!;
    await until(() => agentHas(t), 20_000, 'a change after the restart at the agent').catch(() => undefined);
    const caughtUpAt = Date.now();
    const lost = markers.filter((m) => !agentHas(m));
    const sessions = (await cluster.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data as { state: string }[];
    const ids = (await eventsOf(call.id)).map((e) => e.id);
    console.log(`cluster fault: Redis restarted (down ${restartedAt - stoppedAt} ms; page on node ${pageNode + 1}, agent on node ${agentNode + 1}): ` +
      `every node on Redis ${busAt - restartedAt} ms after it was back, ` +
      `presence ${pushedAt - restartedAt} ms, replica ${caughtUpAt - restartedAt} ms; changes lost ${lost.length} of ${markers.length}, ` +
      `event duplicates ${ids.length - new Set(ids).size}`);
    assert.deepEqual(lost, []);
    assert.deepEqual(sessions.map((s) => s.state), ['active']);
    assert.equal(ids.length, new Set(ids).size);
  });
});
