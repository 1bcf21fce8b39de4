import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { BenchRow } from '../harness/result-table.ts';
import { HeapProbe, type MemoryUsage } from '../harness/heap-probe.ts';
import { startServerProcess, takeParkedServer, type ServerProcess } from '../harness/server-process.ts';
import { BENCH_ORIGIN, BenchApi, benchDeployment } from '../harness/tandem-setup.ts';
import type { LoadCommand, LoadReply } from '../harness/idle-visitor-load.ts';

const LOAD = new URL('../harness/idle-visitor-load.ts', import.meta.url).pathname;
// Loopback source addresses: each gives ~28,000 ephemeral ports toward the server's one port.
const SOURCES = ['127.0.0.2', '127.0.0.3'];
// File descriptors a process keeps for itself besides the sockets (PGlite, epoll, pipes, ...).
const FD_MARGIN = 256;
const GiB = 2 ** 30;
const KiB = 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IdleVisitorOptions {
  /** Idle visitors at the last step (fewer when the server's file limit does not allow them). */
  visitors: number;
  /** Measurements after 0 visitors, then `steps` equal additions. */
  steps: number;
  /** Sockets per load-generator process (each socket is one of its file descriptors). */
  perProcess: number;
  concurrency: number;
  /** Quiet time before each measurement, for connection set-up garbage and timers to settle. */
  settleMs: number;
  /** Between the forced GC and the reading, for freed pages to leave RSS (heap-probe.ts). */
  releaseMs: number;
  /** Quiet time between the warm-up and the baseline (see idleVisitorsPerGiB). */
  quietMs: number;
}

/** Soft limit on open files of a process, and how many it has open now (Linux /proc). */
function fileRoom(pid: number | 'self'): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? 1024);
  return soft - readdirSync(`/proc/${pid}/fd`).length - FD_MARGIN;
}

/** Resident memory of a process by kind (Linux /proc/<pid>/status), in bytes. */
function residentKinds(pid: number): { anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const bytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { anon: bytes('RssAnon'), file: bytes('RssFile') };
}

/**
 * Kernel memory of one idle TCP socket held by a process, outside its RSS: the slab objects each
 * accepted socket has (socket, inode, file, dentry, epoll entry), by their sizes in
 * /proc/slabinfo; null where that is not readable (root only). Idle sockets hold no buffers.
 */
function kernelBytesPerSocket(): number | null {
  try {
    const info = readFileSync('/proc/slabinfo', 'utf8');
    const size = (name: string) => Number(new RegExp(`^${name}\\s+\\d+\\s+\\d+\\s+(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    const total = ['TCP', 'sock_inode_cache', 'filp', 'dentry', 'eventpoll_epi'].reduce((a, n) => a + size(n), 0);
    return Number.isFinite(total) ? total : null;
  } catch {
    return null;
  }
}

/** A forked load-generator process (idle-visitor-load.ts), asked one thing at a time. */
class LoadProcess {
  private readonly child: ChildProcess;
  private waiting: { resolve: (r: LoadReply) => void; reject: (e: Error) => void } | null = null;
  private exited: Error | null = null;
  constructor() {
    this.child = fork(LOAD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (r: LoadReply) => {
      const w = this.waiting;
      this.waiting = null;
      w?.resolve(r);
    });
    this.child.on('exit', (code) => {
      this.exited = new Error(`idle visitor load process exited (${code})`);
      this.waiting?.reject(this.exited);
      this.waiting = null;
    });
  }
  ask<T extends LoadReply['type']>(cmd: LoadCommand): Promise<Extract<LoadReply, { type: T }>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve: resolve as (r: LoadReply) => void, reject };
      this.child.send(cmd);
    });
  }
  /** Closing the IPC channel makes the child exit (its sockets close with it). */
  async stop() {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }
}

/** Memory after GC: process.memoryUsage() in the server, and its resident memory by kind. */
type Sample = MemoryUsage & { anon: number; file: number };

const mib = (b: number) => (b / 2 ** 20).toFixed(1);

/** Least-squares slope of y over x, with its standard error. */
function slope(xs: number[], ys: number[]): { perUnit: number; stdErr: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b) / n;
  const my = ys.reduce((a, b) => a + b) / n;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const b = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx;
  const ssr = ys.reduce((a, y, i) => a + (y - (my + b * (xs[i]! - mx))) ** 2, 0);
  return { perUnit: b, stdErr: n > 2 ? Math.sqrt(ssr / (n - 2) / sxx) : NaN };
}

/** Slopes between successive points. */
function stepSlopes(xs: number[], ys: number[]): number[] {
  return xs.slice(1).map((x, i) => (ys[i + 1]! - ys[i]!) / (x - xs[i]!));
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const kib = (bytes: number) => (bytes / KiB).toFixed(2);
const perGiBText = (bytes: number) => (bytes > 0 ? `${Math.round(GiB / bytes).toLocaleString('en-US')}/GiB` : 'no growth');

/**
 * The row from the readings. Two costs per visitor: live JS heap + external memory, a least-squares
 * slope (after a forced GC it is exact to a few bytes per visitor); and resident anonymous memory,
 * which also holds native per-socket state (libuv handles, malloc) and the heap's slack, but moves
 * when V8 or malloc hand back a block of pages at a time of their choosing: its slope is the
 * median of the step-to-step slopes, which one such release does not sway. File-backed RSS
 * (the node binary, mapped libraries) does not grow with visitors and the kernel may drop it at any
 * time, so it is left out. The headline is the larger of the two costs.
 */
function idleRow(xs: number[], mem: Sample[], run: { steps: number; processes: number; failed: number; firstError: string | null }): BenchRow {
  const heapExt = slope(xs, mem.map((m) => m.heapUsed + m.external));
  const heapOnly = slope(xs, mem.map((m) => m.heapUsed));
  const rssSteps = stepSlopes(xs, mem.map((m) => m.anon));
  const rss = median(rssSteps);
  const cost = Math.max(heapExt.perUnit, rss);
  const perGiB = cost > 0 ? GiB / cost : Infinity;
  const first = mem[0]!;
  const last = mem.at(-1)!;
  const kernel = kernelBytesPerSocket();
  return {
    scenario: 'idle present visitors',
    metric: 'per GiB',
    tandem: perGiB,
    baseline: null,
    unit: '/GiB',
    better: 'higher',
    target: '≥ 20,000',
    met: cost > 0 ? perGiB >= 20_000 : null,
    note: [
      `${xs.at(-1)!.toLocaleString('en-US')} identified idle visitor sockets from ${run.processes} load process${run.processes > 1 ? 'es' : ''}, 0 ` +
        `+ ${run.steps} steps, memory read inside the server after a forced GC`,
      `per visitor: JS heap + external ${kib(heapExt.perUnit)} ± ${kib(heapExt.stdErr)} KiB (heap alone ${kib(heapOnly.perUnit)};` +
        ` ${perGiBText(heapExt.perUnit)})`,
      `resident anonymous memory ${kib(rss)} KiB (median of ${rssSteps.length} step slopes, ${rssSteps.map(kib).join(' / ')}; ${perGiBText(rss)})`,
      `headline from the larger`,
      `server RSS ${mib(first.rss)} → ${mib(last.rss)} MiB, heap ${mib(first.heapUsed)} → ${mib(last.heapUsed)} MiB`,
      kernel === null ? 'kernel socket memory (not in RSS) not counted'
        : `not counted: ~${kib(kernel)} KiB of kernel slab per socket (TCP socket, inode, file, dentry, epoll entry; not in RSS), with ` +
          `it ${perGiBText(cost + kernel)} of machine memory`,
      ...(run.failed ? [`${run.failed} visitors failed to connect (${run.firstError})`] : []),
    ].join('; '),
  };
}

/**
 * Idle present visitors per GiB: identified visitor sockets that send nothing, the state a server
 * holds for every open page of an integrating site. Memory is read inside the server after a full
 * GC (heap-probe.ts) at 0 visitors and after each step; the cost per visitor is the slope over the
 * steps (idleRow). RSS read from outside without a GC moves by tens of MiB on its own, more than
 * thousands of sockets cost.
 */
export async function idleVisitorsPerGiB(opts: IdleVisitorOptions): Promise<BenchRow[]> {
  // A smoke run takes over the sessions scenario's server (a start costs 10–20 s); a real one
  // measures a fresh server with nothing else on it.
  const server: ServerProcess = (await takeParkedServer((s) => s.inspectorUrl !== null)) ?? (await startServerProcess({}, { inspect: true }));
  const loads: LoadProcess[] = [];
  let probe: HeapProbe | null = null;
  try {
    probe = await HeapProbe.connect(server.inspectorUrl!);
    const visitors = Math.min(opts.visitors, fileRoom(server.pid));
    const perProcess = Math.min(opts.perProcess, fileRoom('self'));
    if (visitors < opts.visitors) process.stderr.write(`bench: idle: ${visitors} visitors, not ${opts.visitors}: the server's open-file limit\n`);
    const api = await new BenchApi(server.url, server.clientId, server.clientSecret).login();
    const dep = await benchDeployment(api);
    const stamp = Date.now();
    for (let k = 0; k < Math.ceil(visitors / perProcess); k++) loads.push(new LoadProcess());

    const held = loads.map(() => 0);
    let failed = 0;
    let firstError: string | null = null;
    /** Adds visitors, filling each load process up to perProcess in turn. */
    const add = async (count: number, prefix: string) => {
      const shares = loads.map((_, k) => {
        const take = Math.max(0, Math.min(perProcess - held[k]!, count));
        count -= take;
        return take;
      });
      const replies =
        await Promise.all(
          loads.map((l, k) => (shares[k] ? l.ask<'connected'>({ type: 'connect', url: server.url, deploymentKey: dep.key, identitySecret: dep.identitySecret,
            origin: BENCH_ORIGIN, count: shares[k]!, localAddresses: SOURCES, concurrency: opts.concurrency, idPrefix: `${prefix}-${stamp}-${k}` }) : null)));
      replies.forEach((r, k) => {
        if (!r) return;
        held[k] = r.open;
        failed += r.failed;
        firstError ??= r.firstError;
      });
    };
    const dropAll = async () => {
      await Promise.all(loads.map((l) => l.ask<'dropped'>({ type: 'drop' })));
      held.fill(0);
    };
    const measure = async (): Promise<Sample> => {
      await sleep(opts.settleMs);
      const usage = await probe!.memoryAfterGc(opts.releaseMs);
      return { ...usage, ...residentKinds(server.pid) };
    };

    // Warm-up: the first visitors compile the visitor path and size its caches; that one-off cost
    // is not per visitor. They leave before the baseline. 10–20 s after such a burst the server
    // hands back, once, 25–40 MiB of heap pages it grew for it (V8, on its own timer; seen in
    // /proc/<pid>/smaps): the quiet wait lets that happen before the baseline, not mid-steps.
    await add(Math.min(500, Math.ceil(visitors / 10)), 'warm');
    await dropAll();
    await sleep(opts.quietMs);
    failed = 0;
    firstError = null;

    const xs: number[] = [];
    const mem: Sample[] = [];
    for (let step = 0; step <= opts.steps; step++) {
      const open = held.reduce((a, b) => a + b, 0);
      if (step > 0) await add(Math.round((visitors * step) / opts.steps) - open, 'idle');
      const m = await measure();
      xs.push(held.reduce((a, b) => a + b, 0));
      mem.push(m);
      process.stderr.write(
        `bench: idle: ${xs.at(-1)} visitors: heap ${mib(m.heapUsed)} of ${mib(m.heapTotal)} MiB + external ${mib(m.external)} MiB; RSS ${mib(m.rss)} MiB ` +
          `(anonymous ${mib(m.anon)}, file-backed ${mib(m.file)}); after GC\n`);
    }
    return [idleRow(xs, mem, { steps: opts.steps, processes: loads.length, failed, firstError })];
  } finally {
    probe?.close();
    await Promise.all(loads.map((l) => l.stop()));
    await server.stop();
  }
}
