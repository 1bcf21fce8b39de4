import type { BenchRow } from '../harness/result-table.ts';
import { summarize, type Summary } from '../harness/stats.ts';
import { chartData } from '../harness/chart-data.ts';
import { cpuOver, cpuPercentOver, readProc } from '../harness/process-probe.ts';
import { parkServer, startServerProcess, type ServerProcess } from '../harness/server-process.ts';
import { startBareRelay, type BareRelayProcess } from '../harness/bare-relay-process.ts';
import { BenchApi, benchDeployment, openLiveSession, type LiveSession } from '../harness/tandem-setup.ts';
import { LoadWorker } from '../harness/load-worker.ts';
import type { SessionTokens } from '../harness/session-worker.ts';

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
  // A reply that a machine at a load of 20 on 2 cores takes more than 5 s to send (it happens) costs
  // that session a second try on a call of its own, not the run.
  let done = 0;
  const t0 = Date.now();
  return bounded(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const live = await openLiveSession(api, dep, `load-${stamp}-${i}${attempt > 1 ? `-${attempt}` : ''}`);
        if (++done % 500 === 0) process.stderr.write(`bench: sessions: ${done} of ${count} set up (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
        return live;
      } catch (err) {
        if (attempt === 3) throw err;
        process.stderr.write(`bench: sessions: setting up session ${i} failed (${(err as Error).message.slice(0, 80)}), trying again\n`);
      }
    }
  });
}

export interface SessionsOptions {
  /** Active sessions, in order; the last is measured over `topWindows` windows per server. */
  levels: number[];
  windowMs: number;
  topWindows: number;
  setupConcurrency: number;
  /** Load generator processes (each holds its share of both servers' sessions). */
  workers: number;
  /** Streaming before a window is measured, once a server's sessions start (again). */
  settleMs: number;
  /** How long each server's CPU is read with every session connected and nothing streaming. */
  idleMs: number;
  /** A smoke run leaves its server (started with the inspector) parked for the idle visitors scenario, which would otherwise spend 10–20 s starting one. */
  handOn?: boolean;
}

/** One server under the load: Tandem's, or the bare relay (the load generator's group of the same name). */
interface Side {
  group: 'tandem' | 'baseline';
  pid: number;
  loopLagMaxMs(): Promise<number>;
}

interface Window {
  lat: Summary;
  frames: number;
  /** Frames the other server's agents received in the window (its backlog): not this server's. */
  otherFrames: number;
  cpuSeconds: number;
  seconds: number;
  rssBytes: number;
  serverLagMaxMs: number;
  genLagMaxMs: number;
}

/** What one server did at one level: the median window's latency, CPU over all of its windows. */
export interface SideFigures {
  p50Ms: number;
  p99Ms: number;
  framesRelayed: number;
  framesPerSecond: number;
  cpuSeconds: number;
  cpuUsPerFrame: number;
  /** Frames the other server's agents received in this server's windows (its backlog), not counted above. */
  otherFrames: number;
  cpuPercent: number;
  rssMiB: number;
  windows: { p99Ms: number; frames: number; cpuUsPerFrame: number; serverLagMaxMs: number; genLagMaxMs: number }[];
}

/** The server's event-loop lag since its previous scrape (prom-client resets it on each). */
async function serverLoopLagMaxMs(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(LAG_TIMEOUT_MS) })).text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000;
}

/**
 * A server that is behind (5,000 sessions on a shared 2-core machine) may answer its lag scrape
 * late or not at all; that costs the window its lag figure (NaN), not the whole run's figures.
 */
const LAG_TIMEOUT_MS = 30_000;
const lagOrNaN = (read: () => Promise<number>) => () => read().catch((err: Error) => {
  process.stderr.write(`bench: sessions: no loop lag figure (${err.message.slice(0, 80)})\n`);
  return NaN;
});

async function measureWindow(side: Side, workers: LoadWorker[], windowMs: number): Promise<Window> {
  await side.loopLagMaxMs();
  await Promise.all(workers.map((w) => w.ask({ type: 'measure' })));
  const { cpuSeconds, seconds, rssBytes } = await cpuOver(side.pid, windowMs);
  const collected = await Promise.all(workers.map((w) => w.ask<'collected'>({ type: 'collect' })));
  const serverLagMaxMs = await side.loopLagMaxMs();
  return { lat: summarize(collected.flatMap((c) => c.latencies)), frames: collected.reduce((a, c) => a + c.frames, 0),
    otherFrames: collected.reduce((a, c) => a + c.pausedFrames, 0), cpuSeconds, seconds, rssBytes,
    serverLagMaxMs, genLagMaxMs: Math.max(...collected.map((c) => c.loopLagMaxMs)) };
}

/**
 * One stall of the whole machine (a VM on 2 cores, shared with the load generator) moves a single
 * window's p99 by tens of ms, so latency is the median window's; CPU per frame is every window's
 * CPU over every window's frames.
 */
function figuresOf(windows: Window[]): SideFigures {
  const byP99 = [...windows].sort((a, b) => a.lat.p99 - b.lat.p99);
  const mid = byP99[Math.floor((byP99.length - 1) / 2)]!;
  const frames = windows.reduce((a, w) => a + w.frames, 0);
  const otherFrames = windows.reduce((a, w) => a + w.otherFrames, 0);
  const cpuSeconds = windows.reduce((a, w) => a + w.cpuSeconds, 0);
  const seconds = windows.reduce((a, w) => a + w.seconds, 0);
  return {
    p50Ms: mid.lat.p50, p99Ms: mid.lat.p99, framesRelayed: frames, framesPerSecond: frames / seconds, cpuSeconds,
    cpuUsPerFrame: (cpuSeconds * 1e6) / frames, otherFrames, cpuPercent: (cpuSeconds / seconds) * 100, rssMiB: mid.rssBytes / 2 ** 20,
    windows: windows.map((w) => ({ p99Ms: w.lat.p99, frames: w.frames, cpuUsPerFrame: (w.cpuSeconds * 1e6) / w.frames, serverLagMaxMs: w.serverLagMaxMs,
      genLagMaxMs: w.genLagMaxMs })),
  };
}

/** A server is done with a level's set-up once a 2 s sample of it, nothing streaming, is under this much of a core. */
const QUIET_CPU_PERCENT = 20;
const QUIET_WAIT_MAX_MS = 240_000;

/**
 * Waits (nothing streaming) until the server has worked off what starting a level's sessions left
 * it: sockets the load generator opened, authenticated and counted as started still queue database
 * work behind them (Tandem's store is in its process), and counted in the first window it is set-up
 * CPU taken for relay CPU per frame. Bounded: after QUIET_WAIT_MAX_MS it goes on and says so.
 */
async function untilQuiet(side: Side): Promise<{ waitedMs: number; quiet: boolean }> {
  const t0 = Date.now();
  while (Date.now() - t0 < QUIET_WAIT_MAX_MS) {
    if ((await cpuPercentOver(side.pid, 2_000)).cpuPercent < QUIET_CPU_PERCENT) return { waitedMs: Date.now() - t0, quiet: true };
  }
  return { waitedMs: Date.now() - t0, quiet: false };
}

const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);

/**
 * Tandem's server and a bare ws relay (baselines/bare-ws-relay.ts), each in its own process,
 * under the same load generator: the same processes replay the same recorded stream at the same
 * pace into as many sessions on each, one server at a time, windows interleaved (Tandem, bare,
 * bare, Tandem, …) so that a busy stretch of the machine falls on both alike.
 */
export async function sessionsPerMachine(opts: SessionsOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const points: NonNullable<typeof chartData.sessions> = [];
  const max = Math.max(...opts.levels);
  let server: ServerProcess | null = null;
  let bare: BareRelayProcess | null = null;
  let lives: LiveSession[] = [];
  const workers: LoadWorker[] = [];
  try {
    // Every session is set up before any page streams: thousands take minutes on a busy machine,
    // longer than the 30 s a page that never connects is waited for (the sweeper ends it, customer_left).
    const started = await Promise.allSettled([startServerProcess({ RESUME_WINDOW_SECONDS: '3600' }, { inspect: !!opts.handOn }), startBareRelay()]);
    if (started[0].status === 'fulfilled') server = started[0].value;
    if (started[1].status === 'fulfilled') bare = started[1].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const tandem = server!;
    const relay = bare!;
    const sides: Side[] = [
      { group: 'tandem', pid: tandem.pid, loopLagMaxMs: lagOrNaN(() => serverLoopLagMaxMs(tandem)) },
      { group: 'baseline', pid: relay.pid, loopLagMaxMs: lagOrNaN(() => relay.loopLagMaxMs()) },
    ];
    const setupStart = Date.now();
    for (let w = 0; w < opts.workers; w++) workers.push(new LoadWorker(tandem.url, { process: true }));
    lives = await setUpSessions(tandem, max, opts.setupConcurrency);
    process.stderr.write(`bench: sessions: ${max} accepted invites in ${((Date.now() - setupStart) / 1000).toFixed(1)} s\n`);
    const baseRss = readProc(tandem.pid).rssBytes;
    // Nothing streams while sessions connect.
    const activate = (group: string) => Promise.all(workers.map((w) => w.ask({ type: 'activate', group })));
    await activate('none');
    let active = 0;
    for (const level of opts.levels) {
      const adding = lives.slice(active, level);
      const groups: [Side['group'], SessionTokens[]][] = [
        ['tandem', adding.map((l) => ({ captureToken: l.captureToken, agentToken: l.agentToken }))],
        ['baseline', adding.map((_, i) => ({ captureToken: `s${active + i}`, agentToken: `s${active + i}`, captureUrl: relay.url, agentUrl: relay.url }))],
      ];
      active = level;
      const failed = { tandem: 0, baseline: 0 };
      for (const [group, tokens] of groups) {
        const replies = await Promise.all(workers.map((w, k) =>
          w.ask<'started'>({ type: 'start', group, sessions: tokens.filter((_, i) => i % workers.length === k) })));
        failed[group] = replies.reduce((a, r) => a + r.failed, 0);
      }
      // Set-up work left over is not relay work; then what each server spends with every session
      // connected and nothing streaming (timers, keep-alives: the per-session fixed cost).
      const idle: Record<Side['group'], { waitedMs: number; quiet: boolean; cpuPercent: number }> = {} as never;
      for (const side of sides) {
        const q = await untilQuiet(side);
        idle[side.group] = { ...q, cpuPercent: (await cpuPercentOver(side.pid, opts.idleMs)).cpuPercent };
        process.stderr.write(`bench: sessions: ${level} ${side.group}: quiet after ${(q.waitedMs / 1000).toFixed(0)} s${q.quiet ? '' : ' (not reached)'}, ` +
          `idle CPU ${idle[side.group].cpuPercent.toFixed(1)}% of a core\n`);
      }
      const windows: Record<Side['group'], Window[]> = { tandem: [], baseline: [] };
      const count = level === max ? opts.topWindows : 1;
      for (let k = 0; k < count; k++) {
        for (const side of k % 2 === 0 ? sides : [...sides].reverse()) {
          await activate(side.group);
          await sleep(opts.settleMs);
          windows[side.group].push(await measureWindow(side, workers, opts.windowMs));
        }
      }
      await activate('none');
      const t = figuresOf(windows.tandem);
      const b = figuresOf(windows.baseline);
      const cpuRatio = t.cpuUsPerFrame / b.cpuUsPerFrame;
      // Each window against the other server's window next to it (Tandem, bare, bare, Tandem, …): a
      // busy stretch of the machine makes one pair cheap or dear, and the median pair is the robust figure.
      const pairRatios = t.windows.map((w, k) => w.cpuUsPerFrame / b.windows[k]!.cpuUsPerFrame).sort((x, y) => x - y);
      const pairMedian = pairRatios[Math.floor((pairRatios.length - 1) / 2)]!;
      // As the scenario counted before: every frame any agent received in the window.
      const oldRatio = (t.cpuSeconds / (t.framesRelayed + t.otherFrames)) / (b.cpuSeconds / (b.framesRelayed + b.otherFrames));
      points.push({ sessions: level, p99Ms: t.p99Ms, cpuPercent: t.cpuPercent, rssMiB: t.rssMiB, baselineP99Ms: b.p99Ms, cpuPerFrameRatio: cpuRatio });
      const each = count > 1
        ? `; p99 of each ${opts.windowMs / 1000} s window, Tandem / bare (server loop lag max, load generator's): ` +
          t.windows.map((w, k) => `${f1(w.p99Ms)} (${w.serverLagMaxMs.toFixed(0)}, ${w.genLagMaxMs.toFixed(0)}) / ` +
            `${f1(b.windows[k]!.p99Ms)} (${b.windows[k]!.serverLagMaxMs.toFixed(0)}, ${b.windows[k]!.genLagMaxMs.toFixed(0)}) ms`).join(', ')
        : `; loop lag max: server ${t.windows[0]!.serverLagMaxMs.toFixed(0)} ms (bare ${b.windows[0]!.serverLagMaxMs.toFixed(0)}), ` +
          `load generator ${t.windows[0]!.genLagMaxMs.toFixed(0)} ms (${b.windows[0]!.genLagMaxMs.toFixed(0)})`;
      const lost = failed.tandem || failed.baseline ? `; sessions that failed to start: ${failed.tandem} Tandem, ${failed.baseline} bare` : '';
      // A level at a time as it ends: a run of several levels on a busy machine takes the better part of an hour.
      process.stderr.write(`bench: sessions: ${level} active: CPU per frame ${f1(t.cpuUsPerFrame)} / ${f1(b.cpuUsPerFrame)} µs (${f2(cpuRatio)}×; ` +
        `median window pair ${f2(pairMedian)}×, counting the other server's backlog ${f2(oldRatio)}×), ${t.framesRelayed} / ${b.framesRelayed} frames, ` +
        `p99 ${f1(t.p99Ms)} / ${f1(b.p99Ms)} ms\n`);
      rows.push({
        scenario: 'sessions per machine',
        metric: `${level} active: p99 relay latency${count > 1 ? `, median of ${count} windows` : ''}`,
        tandem: t.p99Ms,
        baseline: b.p99Ms,
        unit: 'ms',
        better: 'lower',
        target: level === 2000 ? '≤ 50 ms' : 'report',
        met: level === 2000 ? t.p99Ms <= 50 : null,
        note: `baseline: bare ws relay, same load generator, windows interleaved; p50 ${f1(t.p50Ms)} / ${f1(b.p50Ms)} ms, ` +
          `${Math.round(t.framesPerSecond)} / ${Math.round(b.framesPerSecond)} frames/s relayed; RSS ${t.rssMiB.toFixed(0)} MiB ` +
          `(+${(t.rssMiB - baseRss / 2 ** 20).toFixed(0)} over set-up)${each}${lost}`,
        detail: { sessions: level, tandem: t, baseline: b, p99Ratio: t.p99Ms / b.p99Ms, cpuPerFrameRatio: cpuRatio, cpuPerFrameRatioCountingBacklog: oldRatio,
          cpuPerFramePairRatios: pairRatios, idle },
      });
      rows.push({
        scenario: 'sessions per machine',
        metric: `${level} active: server CPU (user + sys) per relayed frame`,
        tandem: t.cpuUsPerFrame,
        baseline: b.cpuUsPerFrame,
        unit: 'µs',
        better: 'lower',
        target: level === max ? '≤ 1.2×' : 'report',
        met: level === max ? cpuRatio <= 1.2 : null,
        note: `Tandem ${t.cpuSeconds.toFixed(2)} s CPU for ${t.framesRelayed} frames (${t.cpuPercent.toFixed(0)}% of a core), ` +
          `bare relay ${b.cpuSeconds.toFixed(2)} s for ${b.framesRelayed} (${b.cpuPercent.toFixed(0)}%); the other server's backlog delivered in ` +
          `the windows (not counted): ${b.otherFrames} Tandem frames in the bare relay's, ${t.otherFrames} bare frames in Tandem's ` +
          `(counted, the ratio would be ${f2(oldRatio)}×); per window pair ${pairRatios.map(f2).join(', ')}× (median ${f2(pairMedian)}×); ` +
          `every session connected, nothing streaming: Tandem ${f1(idle.tandem.cpuPercent)}%, ` +
          `bare ${f1(idle.baseline.cpuPercent)}% of a core (set-up work worked off in ${(idle.tandem.waitedMs / 1000).toFixed(0)} / ` +
          `${(idle.baseline.waitedMs / 1000).toFixed(0)} s${idle.tandem.quiet && idle.baseline.quiet ? '' : ', not all of it'})`,
      });
    }
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'stop' })));
    for (const l of lives) l.page.close();
    await bare?.stop();
    if (server && opts.handOn) parkServer(server);
    else await server?.stop();
  }
  chartData.sessions = points;
  return rows;
}
