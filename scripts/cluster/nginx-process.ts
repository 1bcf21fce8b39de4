import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { portAccepts } from './port-accepts.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nginxConfig, type BalancerConfig } from './nginx-config.ts';

export const NGINX_BIN = process.env['TANDEM_NGINX'] ?? '/usr/sbin/nginx';

/** nginx in front of a cluster's nodes, as a child process (not a daemon) with its own config in a temp dir. */
export interface Balancer {
  port: number;
  url: string;
  pid: number;
  /** What nginx wrote (errors and warnings only). */
  readonly log: string;
  stop(): Promise<void>;
}

export async function startBalancer(opts: Omit<BalancerConfig, 'dir'>): Promise<Balancer> {
  if (!existsSync(NGINX_BIN)) {
    throw new Error(`no nginx at ${NGINX_BIN}: run bash scripts/setup.sh --test (it installs Debian's nginx), or set TANDEM_NGINX`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tandem-nginx-'));
  // The workers run as nobody when started by root: they must reach the temp paths.
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ ...opts, dir }));
  // -e: errors go to stderr from the first line (before the config is read), not to /var/log.
  const child: ChildProcess = spawn(NGINX_BIN, ['-e', 'stderr', '-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => {
    log += d.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  // nginx never outlives the process that started it. SIGTERM, not SIGKILL: the master then ends
  // its workers too (a killed master leaves them listening).
  const guard = () => child.kill('SIGTERM');
  process.once('exit', guard);
  const cleanup = () => {
    process.off('exit', guard);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    if (await portAccepts(opts.port)) break;
    if (child.exitCode !== null || i > 100) {
      child.kill('SIGKILL');
      await exited;
      cleanup();
      throw new Error(`nginx did not listen on 127.0.0.1:${opts.port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port: opts.port,
    url: `http://127.0.0.1:${opts.port}`,
    pid: child.pid!,
    get log() {
      return log;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGQUIT would wait for open sockets to close; SIGTERM is nginx's fast shutdown.
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(force);
      }
      cleanup();
    },
  };
}
