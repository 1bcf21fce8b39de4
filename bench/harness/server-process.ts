import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedPgliteDir } from '../../packages/server/test/pglite-template.ts';

const CLI = new URL('../../packages/server/src/cli.ts', import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  pid: number;
  clientId: string;
  clientSecret: string;
  child: ChildProcess;
  /** The inspector's `ws://` URL when started with `inspect` (see heap-probe.ts), else null. */
  inspectorUrl: string | null;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /**
   * Runs the server with `--inspect=127.0.0.1:0` so that its memory can be read from the inside
   * after a forced GC. Only for memory measurements: an attached inspector is not how operators
   * run it.
   */
  inspect?: boolean;
}

/**
 * Tandem as an operator runs it (`tandem start`), in its own process so its CPU and memory are
 * measured apart from the load generator.
 */
export async function startServerProcess(env: Record<string, string> = {}, opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-bench-'));
  // An empty, migrated database copied in rather than made (PGlite's initdb is seconds of CPU,
  // which the smoke runs in the test suite pay for every server); no figure includes the start.
  if (!env['DATABASE_URL']) await seedPgliteDir(path.join(dataDir, 'pglite'));
  // BENCH_SERVER_ARGS: node flags for the server alone, e.g. "--cpu-prof --cpu-prof-dir=bench/results"
  // (a profile is written when it stops); BENCH_SERVER_LOG: a file that gets the server's output.
  const extra = (process.env['BENCH_SERVER_ARGS'] ?? '').split(' ').filter(Boolean);
  const inspect = opts.inspect ? ['--inspect=127.0.0.1:0'] : [];
  const child = spawn(process.execPath, [...extra, ...inspect, '--import', 'tsx', CLI, 'start'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: process.env['BENCH_SERVER_LOG_LEVEL'] ?? 'error', TOKEN_RATE_LIMIT: '100000',
      // Every simulated customer and agent connects from 127.0.0.1: one source for the caps.
      VISITOR_SOCKETS_PER_SOURCE: '1000000', CAPTURE_SOCKETS_PER_SOURCE: '1000000', AGENT_SOCKETS_PER_SOURCE: '1000000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The server is not a detached process but does not die with the bench either: a bench that
  // exits without stopping it (a crash, a parked server) must not leave it running.
  const orphanGuard = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.once('exit', orphanGuard);
  let out = '';
  const log = process.env['BENCH_SERVER_LOG'] ? createWriteStream(process.env['BENCH_SERVER_LOG'], { flags: 'a' }) : null;
  if (log) {
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    // A start on a loaded machine (PGlite's initdb under a load of 30 on 2 cores) has taken over 3 minutes.
    // A server that never came up is stopped here, not left to the bench's exit.
    const timer = setTimeout(() => {
      orphanGuard();
      process.off('exit', orphanGuard);
      reject(new Error(`server did not start: ${out}`));
    }, 600_000);
    const check = () => {
      // A fresh data dir: the banner ends with the first client's credentials.
      if (/TANDEM_CLIENT_SECRET=\S+\n/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  const url = /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1];
  if (!url) throw new Error(`no URL in: ${out}`);
  const clientId = /TANDEM_CLIENT_ID=(\S+)/.exec(out)![1]!;
  const clientSecret = /TANDEM_CLIENT_SECRET=(\S+)/.exec(out)![1]!;
  // Node prints this to stderr before it runs any code, so it is in `out` by now.
  const inspectorUrl = opts.inspect ? (/Debugger listening on (ws:\/\/\S+)/.exec(out)?.[1] ?? null) : null;
  if (opts.inspect && !inspectorUrl) throw new Error(`no inspector URL in: ${out}`);
  return {
    url,
    pid: child.pid!,
    clientId,
    clientSecret,
    child,
    inspectorUrl,
    async stop() {
      process.off('exit', orphanGuard);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        // A server still working off minutes of backlog (thousands of sessions whose clients just
        // closed) may not get to its own shutdown: after 30 s it is killed.
        const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(kill);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// A smoke run hands its server from one scenario to the next: a start (tsx, PGlite's initdb) takes
// 10–20 s on a busy machine, the smoke work itself well under one. A parked server nobody takes is
// killed when the bench exits.
let parked: ServerProcess | null = null;

export function parkServer(server: ServerProcess) {
  const previous = parked;
  parked = server;
  void previous?.stop();
}

/** The parked server if there is one and it meets `wants` (else it is stopped); the taker stops it. */
export async function takeParkedServer(wants: (s: ServerProcess) => boolean = () => true): Promise<ServerProcess | null> {
  const s = parked;
  parked = null;
  if (!s) return null;
  if (s.child.exitCode === null && s.child.signalCode === null && wants(s)) return s;
  await s.stop();
  return null;
}
