import type { BenchRow } from '../harness/result-table.ts';
import { summarize } from '../harness/stats.ts';
import { chartData } from '../harness/chart-data.ts';
import { cpuPercentOver, readProc } from '../harness/process-probe.ts';
import { parkServer, startServerProcess, type ServerProcess } from '../harness/server-process.ts';
import { BenchApi, benchDeployment, openLiveSession, type LiveSession } from '../harness/tandem-setup.ts';
import { LoadWorker } from '../harness/load-worker.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

async function setUpSessions(server: ServerProcess, count: number, concurrency: number): Promise<LiveSession[]> {
  const api = await new BenchApi(server.url, server.clientId, server.clientSecret).login();
  const dep = await benchDeployment(api);
  const stamp = Date.now();
  return bounded(Array.from({ length: count }, (_, i) => i), concurrency, (i) => openLiveSession(api, dep, `load-${stamp}-${i}`));
}

/**
 * `handOn`: a smoke run leaves its server (started with the inspector) parked for the idle
 * visitors scenario, which would otherwise spend 10–20 s starting one.
 */
interface Window {
  lat: ReturnType<typeof summarize>;
  cpuPercent: number;
  rssBytes: number;
  serverLagMaxMs: number;
  genLagMaxMs: number;
}

/** The server's event-loop lag since its previous scrape (prom-client resets it on each). */
async function serverLoopLagMaxMs(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000;
}

async function measureWindow(server: ServerProcess, workers: LoadWorker[], windowMs: number): Promise<Window> {
  await serverLoopLagMaxMs(server);
  await Promise.all(workers.map((w) => w.ask({ type: 'measure' })));
  const { cpuPercent, rssBytes } = await cpuPercentOver(server.pid, windowMs);
  const collected = await Promise.all(workers.map((w) => w.ask<'collected'>({ type: 'collect' })));
  const serverLagMaxMs = await serverLoopLagMaxMs(server);
  return { lat: summarize(collected.flatMap((c) => c.latencies)), cpuPercent, rssBytes, serverLagMaxMs,
    genLagMaxMs: Math.max(...collected.map((c) => c.loopLagMaxMs)) };
}

export async function sessionsPerMachine(
  opts: { levels: number[]; windowMs: number; topWindows: number; setupConcurrency: number; workers: number; handOn?: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const points: NonNullable<typeof chartData.sessions> = [];
  const max = Math.max(...opts.levels);
  const server = await startServerProcess({}, { inspect: !!opts.handOn });
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
      const started =
        await Promise.all(workers.map((w, k) => w.ask<'started'>({ type: 'start', sessions: adding.filter((_, i) => i % workers.length === k) })));
      failed = started.reduce((a, r) => a + r.failed, 0);
      await sleep(2000);
      // The top level is measured over several windows: one stall of the whole machine (this is a
      // VM on 2 cores, shared with the load generator) moves a single window's p99 by tens of ms,
      // so the row gives the median window and the note every window, with where the stall was.
      const windows: Window[] = [];
      for (let k = 0; k < (level === max ? opts.topWindows : 1); k++) windows.push(await measureWindow(server, workers, opts.windowMs));
      const byP99 = [...windows].sort((a, b) => a.lat.p99 - b.lat.p99);
      const mid = byP99[Math.floor((byP99.length - 1) / 2)]!;
      const rssMiB = mid.rssBytes / 2 ** 20;
      points.push({ sessions: level, p99Ms: mid.lat.p99, cpuPercent: mid.cpuPercent, rssMiB });
      const each =
        windows.length > 1
          ? `; p99 of each ${opts.windowMs / 1000} s window: ${windows.map((w) => `${w.lat.p99.toFixed(1)} ms (server loop lag ` +
            `max ${w.serverLagMaxMs.toFixed(0)}, load generator ${w.genLagMaxMs.toFixed(0)})`).join(', ')}`
              : `; loop lag max: server ${mid.serverLagMaxMs.toFixed(0)} ms, load generator ${mid.genLagMaxMs.toFixed(0)} ms`;
      rows.push({
        scenario: 'sessions per machine',
        metric: `${level} active: p99 relay latency${windows.length > 1 ? `, median of ${windows.length} windows` : ''}`,
        tandem: mid.lat.p99,
        baseline: null,
        unit: 'ms',
        better: 'lower',
        target: level === max ? '≤ 50 ms at 2,000' : 'report',
        met: level === max && max >= 2000 ? mid.lat.p99 <= 50 : null,
        note: `p50 ${mid.lat.p50.toFixed(1)} ms, ${Math.round(mid.lat.n / (opts.windowMs / 1000))} frames/s relayed; server ` +
          `CPU ${mid.cpuPercent.toFixed(0)}% of a core, RSS ${rssMiB.toFixed(0)} MiB (+${((mid.rssBytes - baseRss) / 2 ** 20).toFixed(0)} over ` +
            `set-up)${each}${failed ? `; ${failed} sessions failed to start` : ''}`,
      });
    }
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'stop' })));
    for (const l of lives) l.page.close();
    if (opts.handOn) parkServer(server);
    else await server.stop();
  }
  chartData.sessions = points;
  return rows;
}
