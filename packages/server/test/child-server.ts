import { spawn, type ChildProcess } from 'node:child_process';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;

/**
 * The real server as its own process (`tandem start`), so a test can SIGKILL it mid-request the
 * way a crash or the OOM killer does, and start it again on the same database.
 */
export class ChildServer {
  /** Everything the process printed so far (the first start's credentials may follow the URL). */
  output: string;
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess, readonly url: string, initialOutput: string) {
    this.output = initialOutput;
    this.exited = new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
  }

  /** Starts `tandem start` with `env` (PORT=0 is read back from the banner); resolves once it listens. */
  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildServer> {
    const { child, url, output } = await spawnTandem({ LOG_LEVEL: 'warn', ...env }, timeoutMs);
    const server = new ChildServer(child, url, output);
    child.stdout!.on('data', (d: Buffer) => (server.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (server.output += d.toString()));
    return server;
  }

  /** A crash: no shutdown hook runs, sockets die with the process. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGTERM), bounded: a process that does not stop is killed. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/**
 * Spawns `tandem start` and waits for its banner (PORT=0 is read back from it). Returns what it
 * printed so far; the caller attaches its own listeners in the same tick, so nothing is missed.
 * A process that prints no banner in time is killed.
 */
export async function spawnTandem(env: Record<string, string>, timeoutMs = 60_000): Promise<{ child: ChildProcess; url: string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (d: Buffer) => (out += d.toString());
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server printed no banner within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m && /API docs/.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${out}`));
    });
  });
  child.stdout!.off('data', onData);
  child.stderr!.off('data', onData);
  return { child, url, output: out };
}

/** A JSON API client for a child server, with the first start's client credentials. */
export function apiClient(base: () => string, creds: { clientId: string; clientSecret: string }) {
  let token: string | null = null;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    if (!token) {
      const res = await fetch(`${base()}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret }),
      });
      const t = (await res.json()) as { access_token: string };
      token = t.access_token;
    }
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as any, text };
  };
  return api;
}
