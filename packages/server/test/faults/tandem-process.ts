import type { ChildProcess } from 'node:child_process';
import { spawnTandem } from '../child-server.ts';
import type { ApiResponse } from '../test-server.ts';

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

/**
 * How long a start may take before the suite gives up. Starting is not what these suites measure:
 * on the shared 2-core machine under a load of 30 a node took over 60 s to print its banner.
 */
const START_TIMEOUT_MS = 180_000;

/** One answer of the API, with how long it took (reported, never asserted). */
export interface TimedResponse extends ApiResponse {
  ms: number;
  /** When the answer arrived (Date.now()), to measure a recovery from a fault's moment. */
  at: number;
}

/** An API client of one address (a node, or the balancer in front of several), with the client's token. */
export class TandemEndpoint {
  private readonly tokens = new Map<string, string>();

  constructor(readonly url: string, readonly credentials: Credentials) {}

  async token(): Promise<string> {
    const hit = this.tokens.get('*');
    if (hit) return hit;
    const { clientId, clientSecret } = this.credentials;
    const res = await this.api('POST', '/oauth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }, { token: null });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
    this.tokens.set('*', res.body.access_token);
    return res.body.access_token as string;
  }

  /** JSON request; fails only when no answer came within timeoutMs (default 15 s). */
  async api(
    method: string,
    p: string,
    body?: unknown,
    opts: { token?: string | null; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<TimedResponse> {
    const token = opts.token === undefined ? await this.token() : opts.token;
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const started = performance.now();
    const res = await fetch(`${this.url}${p}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text, ms: performance.now() - started, at: Date.now() };
  }
}

/**
 * `tandem start` as a child process, as an operator runs it: a fault that would end the process
 * shows as `exit`, and its log is read as the operator would read it.
 */
export class TandemProcess extends TandemEndpoint {
  private output = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  private constructor(private readonly child: ChildProcess, url: string, credentials: Credentials) {
    super(url, credentials);
  }

  /** Everything the process wrote (stdout and stderr). */
  get out() {
    return this.output;
  }

  /** Starts a node; `credentials` for a node joining a database another node bootstrapped. */
  static async start(env: Record<string, string>, credentials?: Credentials): Promise<TandemProcess> {
    const started = await spawnTandem({ LOG_LEVEL: 'info', SWEEP_INTERVAL_MS: '200', ...env }, START_TIMEOUT_MS);
    const { child, url } = started;
    let out = started.output;
    const onData = (d: Buffer) => (out += d.toString());
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    // The credentials of a first start follow the banner, possibly in a later chunk.
    if (!credentials) await waitFor(() => /TANDEM_CLIENT_SECRET=\S+\n/.test(out), 5000);
    const printed = /TANDEM_CLIENT_ID=(\S+)\s+TANDEM_CLIENT_SECRET=(\S+)/.exec(out);
    const creds = credentials ?? (printed ? { clientId: printed[1]!, clientSecret: printed[2]! } : null);
    if (!creds) throw new Error(`no credentials printed and none given:\n${out}`);
    const t = new TandemProcess(child, url, creds);
    t.output = out;
    child.stdout!.off('data', onData);
    child.stderr!.off('data', onData);
    const keep = (d: Buffer) => {
      t.output += d.toString();
      // A long run logs every request; the tail is what a test reads.
      if (t.output.length > 4_000_000) t.output = t.output.slice(-2_000_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('exit', (code, signal) => (t.exit = { code, signal }));
    return t;
  }

  /** The process's id (to read its CPU time from /proc). */
  get pid(): number {
    return this.child.pid!;
  }

  /** A crash: SIGKILL, no shutdown hook runs, its sockets die with it. */
  async kill() {
    if (this.exit) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, then the exit (SIGKILL after 15 s). */
  async stop() {
    if (this.exit) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const force = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }
}

async function waitFor(check: () => boolean, timeoutMs: number) {
  for (const end = Date.now() + timeoutMs; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
}
