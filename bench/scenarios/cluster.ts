import type { BenchRow } from '../harness/result-table.ts';
import { summarize } from '../harness/stats.ts';
import { readProc } from '../harness/process-probe.ts';
import { LoadWorker } from '../harness/load-worker.ts';
import { BenchApi, benchDeployment, openLiveSession, type LiveSession } from '../harness/tandem-setup.ts';
import type { SessionRecovery, SessionTokens } from '../harness/session-worker.ts';
import { startCluster, type Cluster } from '../../packages/server/test/cluster/cluster.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClusterBenchOptions {
  sessions: number;
  nodes: number;
  windowMs: number;
  setupConcurrency: number;
  workers: number;
  /** How long after the kill the recovery is read (frames still missing this long after they were sent are lost). */
  afterKillMs: number;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function bounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

/**
 * Sessions spread over a cluster's nodes with each page on one node and its agent on the next
 * (every frame crosses nodes), the recorded stream replayed at its real pace. Then one node is
 * SIGKILLed: its pages and agents reconnect through the balancer, as the SDK and the console do.
 */
export async function clusterSessions(opts: ClusterBenchOptions): Promise<BenchRow[]> {
  const scenario = `cluster (${opts.nodes} nodes)`;
  const cluster: Cluster = await startCluster({
    nodes: opts.nodes,
    env: {
      LOG_LEVEL: 'error',
      TOKEN_RATE_LIMIT: '100000',
      // Every simulated customer and agent connects from 127.0.0.1: one source for the caps.
      VISITOR_SOCKETS_PER_SOURCE: '1000000',
      CAPTURE_SOCKETS_PER_SOURCE: '1000000',
      AGENT_SOCKETS_PER_SOURCE: '1000000',
      RESUME_WINDOW_SECONDS: '60',
      // The machine's Postgres is shared with whatever else runs: set-up bursts must not read as an outage.
      DATABASE_CONNECT_TIMEOUT_MS: '5000',
      DATABASE_STATEMENT_TIMEOUT_MS: '10000',
    },
  });
  const workers: LoadWorker[] = [];
  let lives: LiveSession[] = [];
  try {
    const api = await new BenchApi(cluster.url, cluster.credentials.clientId, cluster.credentials.clientSecret).login();
    const dep = await benchDeployment(api);
    // Set-up is not what is measured: each session's page and invite go to one node (a pushed
    // invite across nodes is the cluster tests' business), round robin over the nodes.
    const perNode = await Promise.all(cluster.nodes.map((n) => new BenchApi(n.url, cluster.credentials.clientId, cluster.credentials.clientSecret).login()));
    const stamp = Date.now();
    const setupStart = Date.now();
    const indexes = Array.from({ length: opts.sessions }, (_, i) => i);
    lives = await bounded(indexes, opts.setupConcurrency, (i) => openLiveSession(perNode[i % perNode.length]!, dep, `cluster-${stamp}-${i}`));
    process.stderr.write(`bench: cluster: ${opts.sessions} accepted invites in ${((Date.now() - setupStart) / 1000).toFixed(1)} s\n`);
    const urls = cluster.nodes.map((n) => n.url);
    const tokens: SessionTokens[] = lives.map((l, i) => ({
      captureToken: l.captureToken,
      agentToken: l.agentToken,
      captureUrl: urls[i % urls.length],
      agentUrl: urls[(i + 1) % urls.length],
      reconnectUrl: cluster.url,
    }));
    for (let w = 0; w < opts.workers; w++) workers.push(new LoadWorker(cluster.url));
    const started = await Promise.all(workers.map((w, k) => w.ask<'started'>({ type: 'start', sessions: tokens.filter((_, i) => i % workers.length === k) })));
    const failed = started.reduce((a, r) => a + r.failed, 0);
    process.stderr.write(`bench: cluster: ${started.reduce((a, r) => a + r.count, 0)} sessions streaming${failed ? `, ${failed} failed to start` : ''}\n`);
    await sleep(2_000);

    // Steady state: relay latency (page on one node → agent on another) and each node's CPU time.
    await Promise.all(workers.map((w) => w.ask({ type: 'measure' })));
    const cpuBefore = cluster.nodes.map((n) => readProc(n.pid).cpuSeconds);
    const t0 = Date.now();
    await sleep(opts.windowMs);
    const seconds = (Date.now() - t0) / 1000;
    const cpu = cluster.nodes.map((n, i) => ((readProc(n.pid).cpuSeconds - cpuBefore[i]!) / seconds) * 100);
    const rss = cluster.nodes.map((n) => readProc(n.pid).rssBytes / 2 ** 20);
    const collected = await Promise.all(workers.map((w) => w.ask<'collected'>({ type: 'collect' })));
    const lat = summarize(collected.flatMap((c) => c.latencies));
    const rows: BenchRow[] = [{
      scenario,
      metric: `${opts.sessions} sessions, page and agent on different nodes: p99 relay latency`,
      tandem: lat.p99,
      baseline: null,
      unit: 'ms',
      better: 'lower',
      target: 'report',
      met: null,
      note: `p50 ${lat.p50.toFixed(1)} ms, ${Math.round(lat.n / seconds)} frames/s relayed; ` +
        `CPU per node ${cpu.map((c) => `${c.toFixed(0)}%`).join(' / ')} of a core, ` +
        `RSS ${rss.map((r) => r.toFixed(0)).join(' / ')} MiB${failed ? `; ${failed} sessions failed to start` : ''}`,
    }];
    cpu.forEach((c, i) => rows.push({
      scenario, metric: `node ${i + 1} CPU (process CPU time over ${seconds.toFixed(0)} s)`, tandem: c,
      baseline: null, unit: '% of a core', better: 'lower', target: 'report', met: null,
    }));

    // One node dies: its pages and agents come back through the balancer on the others.
    await Promise.all(workers.map((w) => w.ask({ type: 'track' })));
    await sleep(500);
    const killedAt = Date.now();
    await cluster.kill(0);
    await sleep(opts.afterKillMs);
    const replies = await Promise.all(workers.map((w) => w.ask<'recovered'>({ type: 'recovery', settleMs: 3_000 })));
    const recovery: SessionRecovery[] = replies.flatMap((r) => r.sessions);
    const hit = recovery.filter((r) => r.droppedAt !== null);
    const back = hit.filter((r) => r.recoveredAt !== null);
    const recover = summarize(back.map((r) => r.recoveredAt! - killedAt));
    const notBack = (end: 'capture' | 'agent') => hit.filter((r) => r.dropped === end && r.recoveredAt === null).length;
    const codes = new Map<number, number>();
    for (const r of hit) for (const c of r.closeCodes) codes.set(c, (codes.get(c) ?? 0) + 1);
    process.stderr.write(`bench: cluster: close codes after the kill: ${[...codes].map(([c, n]) => `${c} ×${n}`).join(', ')}\n`);
    const stuck = hit.filter((x) => x.recoveredAt === null);
    if (stuck.length) {
      const again = stuck.filter((x) => x.reconnectedAt !== null).length;
      process.stderr.write(`bench: cluster: ${stuck.length} sessions not back, ${again} of them connected again\n`);
    }
    const lostIn = hit.reduce((a, r) => a + r.lostBeforeRecovery, 0);
    const lostAfter = hit.reduce((a, r) => a + r.lostAfterRecovery, 0);
    const delivered = recovery.reduce((a, r) => a + r.delivered, 0);
    const untouchedLost = recovery.filter((r) => r.droppedAt === null).reduce((a, r) => a + r.lostBeforeRecovery + r.lostAfterRecovery, 0);
    rows.push({
      scenario,
      metric: `node 1 SIGKILLed: time until a cut-off session's agent has frames again, p50`,
      tandem: back.length ? recover.p50 : NaN,
      baseline: null,
      unit: 'ms',
      better: 'lower',
      target: 'report',
      met: null,
      note: `${hit.length} sessions had an end on node 1; ${back.length} had frames again within ${(opts.afterKillMs / 1000).toFixed(0)} s ` +
        `(p90 ${recover.p90.toFixed(0)} ms, slowest ${recover.max.toFixed(0)} ms); not back: ${notBack('capture')} whose page was on node 1, ` +
        `${notBack('agent')} whose agent was`,
    });
    rows.push({
      scenario,
      metric: 'node 1 SIGKILLed: frames lost',
      tandem: lostIn + lostAfter + untouchedLost,
      baseline: null,
      unit: 'frames',
      better: 'lower',
      target: 'report',
      met: null,
      note: `${lostIn} in flight through node 1 when it died (the page's next snapshot replaces them), ${lostAfter} after recovery, ` +
        `${untouchedLost} in sessions without an end on node 1; ${delivered} delivered in ${(opts.afterKillMs / 1000).toFixed(0)} s`,
    });
    return rows;
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'stop' })));
    for (const l of lives) l.page.close();
    await cluster.close();
  }
}
