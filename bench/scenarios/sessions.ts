import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import type { BenchRow } from '../harness/result-table.ts';
import { summarize } from '../harness/stats.ts';
import { chartData } from '../harness/chart-data.ts';
import { cpuPercentOver, readProc } from '../harness/process-probe.ts';
import { startServerProcess, type ServerProcess } from '../harness/server-process.ts';
import { BENCH_ORIGIN, BenchApi, benchDeployment, openLiveSession, type LiveSession } from '../harness/tandem-setup.ts';
import type { WorkerCommand, WorkerReply } from '../harness/session-worker.ts';
import { VisitorClient } from '../../packages/server/test/visitor-client.ts';
import { RECORDED_STREAM } from './wire-bytes.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WORKER = new URL('../harness/session-worker-boot.mjs', import.meta.url);

/** Runs `fn` over `items` with at most `limit` at a time. */
async function bounded<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

/** VisitorClient.connect, from a given loopback source address. */
async function connectVisitor(url: string, key: string, localAddress: string): Promise<VisitorClient> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/visitor?deployment=${encodeURIComponent(key)}`, { origin: BENCH_ORIGIN, localAddress, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const v = new (VisitorClient as unknown as new (ws: WebSocket) => VisitorClient)(ws);
  await v.request({ type: 'hello', v: 1, url: `${BENCH_ORIGIN}/` });
  return v;
}

async function setUpSessions(server: ServerProcess, count: number, concurrency: number): Promise<LiveSession[]> {
  const api = await new BenchApi(server.url, server.clientId, server.clientSecret).login();
  const dep = await benchDeployment(api);
  const stamp = Date.now();
  return bounded(Array.from({ length: count }, (_, i) => i), concurrency, (i) => openLiveSession(api, dep, `load-${stamp}-${i}`));
}

class LoadWorker {
  private readonly worker: Worker;
  private readonly replies: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  constructor(url: string) {
    this.worker = new Worker(WORKER, { workerData: { url, streamFile: RECORDED_STREAM } });
    this.worker.on('message', (r: WorkerReply) => this.replies.shift()?.resolve(r));
    const fail = (err: Error) => {
      this.failure = err;
      for (const r of this.replies.splice(0)) r.reject(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('load worker exited')));
  }
  ask<T extends WorkerReply['type']>(cmd: WorkerCommand): Promise<Extract<WorkerReply, { type: T }>> {
    if (this.failure) return cmd.type === 'stop' ? Promise.resolve({ type: 'stopped' } as never) : Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.replies.push({ resolve: resolve as (r: WorkerReply) => void, reject });
      this.worker.postMessage(cmd);
    });
  }
}

export async function sessionsPerMachine(opts: { levels: number[]; windowMs: number; idleVisitors: number; setupConcurrency: number; workers: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const points: NonNullable<typeof chartData.sessions> = [];
  const max = Math.max(...opts.levels);
  const quickIdle = opts.idleVisitors < 100;
  const server = await startServerProcess();
  let lives: LiveSession[] = [];
  const workers: LoadWorker[] = [];
  try {
    const setupStart = Date.now();
    lives = await setUpSessions(server, max, opts.setupConcurrency);
    process.stderr.write(`bench: sessions: ${max} accepted invites in ${((Date.now() - setupStart) / 1000).toFixed(1)} s\n`);
    const baseRss = readProc(server.pid).rssBytes;
    for (let w = 0; w < opts.workers; w++) workers.push(new LoadWorker(server.url));
    let active = 0;
    let failed = 0;
    for (const level of opts.levels) {
      const adding = lives.slice(active, level).map((l) => ({ captureToken: l.captureToken, agentToken: l.agentToken }));
      active = level;
      const started = await Promise.all(workers.map((w, k) => w.ask<'started'>({ type: 'start', sessions: adding.filter((_, i) => i % workers.length === k) })));
      failed = started.reduce((a, r) => a + r.failed, 0);
      await sleep(2000);
      await Promise.all(workers.map((w) => w.ask({ type: 'measure' })));
      const { cpuPercent, rssBytes } = await cpuPercentOver(server.pid, opts.windowMs);
      const collected = await Promise.all(workers.map((w) => w.ask<'collected'>({ type: 'collect' })));
      const lat = summarize(collected.flatMap((c) => c.latencies));
      const lagP99 = Math.max(...collected.map((c) => c.loopLagP99Ms));
      const rssMiB = rssBytes / 2 ** 20;
      points.push({ sessions: level, p99Ms: lat.p99, cpuPercent, rssMiB });
      rows.push({
        scenario: 'sessions per machine',
        metric: `${level} active: p99 relay latency`,
        tandem: lat.p99,
        baseline: null,
        unit: 'ms',
        better: 'lower',
        target: level === max ? '≤ 50 ms at 2,000' : 'report',
        met: level === max && max >= 2000 ? lat.p99 <= 50 : null,
        note: `p50 ${lat.p50.toFixed(1)} ms, ${Math.round(lat.n / (opts.windowMs / 1000))} frames/s relayed; server CPU ${cpuPercent.toFixed(0)}% of a core, RSS ${rssMiB.toFixed(0)} MiB (+${((rssBytes - baseRss) / 2 ** 20).toFixed(0)} over set-up); load generator loop lag p99 ${lagP99.toFixed(0)} ms${failed ? `; ${failed} sessions failed to start` : ''}`,
      });
    }
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'stop' })));
    for (const l of lives) l.page.close();
    // A smoke run reuses this server for the idle visitors (a second start costs seconds).
    if (!quickIdle) await server.stop();
  }
  chartData.sessions = points;

  // Idle present visitors: identified visitor sockets and nothing else, on a fresh server. RSS
  // moves by tens of MiB on its own (GC, PGlite), so the cost per socket is the slope of RSS over
  // several steps, not one difference. Sockets come from 127.0.0.2 to spare 127.0.0.1's ports.
  const idle = quickIdle ? server : await startServerProcess();
  const visitors: VisitorClient[] = [];
  try {
    const api = await new BenchApi(idle.url, idle.clientId, idle.clientSecret).login();
    const dep = await benchDeployment(api);
    const stamp = Date.now();
    const quick = quickIdle;
    const steps = quick ? 1 : 4;
    const xs: number[] = [];
    const ys: number[] = [];
    const settledRss = async () => {
      await sleep(quick ? 200 : 2000);
      const r: number[] = [];
      for (let k = 0; k < 5; k++, await sleep(200)) r.push(readProc(idle.pid).rssBytes);
      return r.sort((a, b) => a - b)[2]!;
    };
    // A fresh server's RSS falls for a while after start-up (PGlite): wait until it holds still.
    for (let k = 0, last = 0; k < (quick ? 0 : 30); k++, await sleep(1000)) {
      const rss = readProc(idle.pid).rssBytes;
      if (Math.abs(rss - last) < 4 * 2 ** 20 && k >= 3) break;
      last = rss;
    }
    xs.push(0);
    ys.push(await settledRss());
    for (let step = 1; step <= steps; step++) {
      const target = Math.round((opts.idleVisitors * step) / steps);
      await bounded(Array.from({ length: target - visitors.length }, (_, i) => visitors.length + i), 64, async (i) => {
        const v = await connectVisitor(idle.url, dep.key, i % 2 ? '127.0.0.2' : '127.0.0.3');
        await v.identify(dep.identitySecret, `idle-${stamp}-${i}`);
        visitors.push(v);
      });
      xs.push(visitors.length);
      ys.push(await settledRss());
    }
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const perGiB = slope > 0 ? 2 ** 30 / slope : Infinity;
    rows.push({ scenario: 'sessions per machine', metric: 'idle present visitors per GiB', tandem: perGiB, baseline: null, unit: '/GiB', better: 'higher', target: '≥ 20,000', met: slope > 0 ? perGiB >= 20_000 : null, note: `${visitors.length} identified visitor sockets in ${steps} steps: server RSS ${ys.map((y) => (y / 2 ** 20).toFixed(0)).join(' → ')} MiB, slope ${(slope / 1024).toFixed(1)} KiB per visitor` });
  } finally {
    for (const v of visitors) v.close();
    await idle.stop();
  }
  return rows;
}
