import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = new URL('../../packages/server/src/cli.ts', import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  pid: number;
  clientId: string;
  clientSecret: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Tandem as an operator runs it (`tandem start`), in its own process so its CPU and memory are
 * measured apart from the load generator.
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-bench-'));
  // BENCH_SERVER_ARGS: node flags for the server alone, e.g. "--cpu-prof --cpu-prof-dir=bench/results"
  // (a profile is written when it stops); BENCH_SERVER_LOG: a file that gets the server's output.
  const extra = (process.env['BENCH_SERVER_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', CLI, 'start'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error', TOKEN_RATE_LIMIT: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const log = process.env['BENCH_SERVER_LOG'] ? createWriteStream(process.env['BENCH_SERVER_LOG'], { flags: 'a' }) : null;
  if (log) {
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
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
  return {
    url,
    pid: child.pid!,
    clientId,
    clientSecret,
    child,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
