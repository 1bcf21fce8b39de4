import { spawn } from 'node:child_process';

const BARE_RELAY = new URL('../baselines/bare-ws-relay.ts', import.meta.url).pathname;

export interface BareRelayProcess {
  url: string;
  pid: number;
  /** The largest event-loop stall since the previous call, in ms. */
  loopLagMaxMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The bare ws relay (baselines/bare-ws-relay.ts) in its own process, started as Tandem's server is (node + tsx). */
export async function startBareRelay(): Promise<BareRelayProcess> {
  // BENCH_BARE_ARGS: node flags for the bare relay alone, as BENCH_SERVER_ARGS for Tandem's server
  // (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to compare the two servers' profiles).
  const extra = (process.env['BENCH_BARE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', BARE_RELAY], { stdio: ['ignore', 'pipe', 'pipe'] });
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      orphanGuard();
      process.off('exit', orphanGuard);
      reject(new Error(`bare relay did not start: ${out}`));
    }, 180_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`bare relay exited ${code}: ${out}`)));
  });
  return {
    url,
    pid: child.pid!,
    async loopLagMaxMs() {
      return ((await (await fetch(`${url}/lag`, { signal: AbortSignal.timeout(30_000) })).json()) as { maxMs: number }).maxMs;
    },
    async stop() {
      process.off('exit', orphanGuard);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
