import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../packages/server/test/test-server.ts';
import { VisitorClient } from '../../packages/server/test/visitor-client.ts';
import { SHOP_ORIGIN, callId, waitUntil } from '../../packages/server/test/fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'examples/python/outbound_cobrowse.py');
const WAIT_MS = 15_000;

/** The Python script as a child process, with its output collected and bounded waits on it. */
class Script {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn('python3', [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, PYTHONUNBUFFERED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) => resolve(code));
    });
  }

  /** The first capture group of `re` in stdout, once it appears. */
  async line(re: RegExp, timeoutMs = WAIT_MS): Promise<string> {
    const m = await waitUntil(async () => re.exec(this.stdout) ?? this.failIfExited(re), timeoutMs, `${re} in stdout\n${this.output()}`);
    return m[1]!;
  }

  async exitCode(timeoutMs = WAIT_MS): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the script did not exit within ${timeoutMs} ms\n${this.output()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  output() {
    return `--- stdout\n${this.stdout}--- stderr\n${this.stderr}`;
  }

  private failIfExited(re: RegExp): null {
    if (this.child.exitCode !== null) throw new Error(`the script exited with ${this.child.exitCode} before printing ${re}\n${this.output()}`);
    return null;
  }
}

/** A TCP hop between the script and the server that can cut every connection, as a flaky proxy would. */
class CuttableProxy {
  readonly requests: string[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  constructor(target: URL) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.on('data', (d) => this.requests.push(d.toString('latin1')));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  cutAll() {
    for (const s of this.sockets) s.destroy();
  }

  async close() {
    this.cutAll();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('examples/python/outbound_cobrowse.py against a live server', () => {
  let s: TestServer;
  let deploymentKey: string;
  const running: Script[] = [];
  const pages: VisitorClient[] = [];

  before(async () => {
    // No python3 or no requests is a broken test machine, not a reason to skip.
    const probe = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(`python3 with the requests library is required (Debian: apt-get install python3-requests): ${probe.error?.message ?? probe.stderr}`);
    }
    s = await startTestServer('pglite');
    const dep = await s.api('POST', '/v1/deployments', { name: 'Acme shop', allowedOrigins: [SHOP_ORIGIN] });
    assert.equal(dep.status, 201, dep.text);
    deploymentKey = dep.body.key;
  });
  afterEach(() => {
    for (const script of running.splice(0)) script.kill();
    for (const page of pages.splice(0)) page.close();
  });
  after(async () => {
    for (const script of running.splice(0)) script.kill();
    await s?.close();
  });

  function run(call: string, opts: { secret?: string; url?: string; extra?: string[] } = {}) {
    const script = new Script(
      ['--call-id', call, '--customer-id', `cust-${call}`, '--customer-phone', '+14155550123', '--agent-id', 'a1', '--agent-name', 'Dana', ...(opts.extra ?? [])],
      { TANDEM_URL: opts.url ?? s.url, TANDEM_CLIENT_ID: s.clientId, TANDEM_CLIENT_SECRET: opts.secret ?? s.clientSecret },
    );
    running.push(script);
    return script;
  }

  /** The customer taps the SMS link: the site opens with the secret in the fragment and its page redeems it. */
  async function customerOpens(link: string, inviteId: string) {
    const hop = await fetch(link, { redirect: 'manual', signal: AbortSignal.timeout(WAIT_MS) });
    assert.equal(hop.status, 302);
    const secret = /#tandem=([0-9a-z]+)$/.exec(hop.headers.get('location') ?? '')?.[1];
    assert.ok(secret, `no #tandem= fragment in ${hop.headers.get('location')}`);
    const page = await VisitorClient.connect(s.url, deploymentKey, SHOP_ORIGIN);
    pages.push(page);
    const offered = await page.request({ type: 'link.redeem', secret });
    assert.equal(offered.type === 'invite' && offered.invite.inviteId, inviteId, JSON.stringify(offered));
    return page;
  }

  test('the customer follows the SMS link and shares: exit 0 with the session id', { timeout: 60_000 }, async () => {
    const script = run(callId('py'));
    const inviteId = await script.line(/^invite: (inv_\S+)$/m);
    assert.match(await script.line(/^code: (\d+)$/m), /^\d{10}$/);
    const link = await script.line(/^link: (http\S+)$/m);
    assert.ok(link.startsWith(`${s.url}/j/`), link);

    const page = await customerOpens(link, inviteId);
    const started = await page.acceptInvite(inviteId);
    assert.equal(started.type, 'session.started', JSON.stringify(started));

    assert.equal(await script.exitCode(), 0, script.output());
    const sessionId = started.type === 'session.started' ? started.sessionId : '';
    assert.match(script.stdout, new RegExp(`^session\\.started: ${sessionId}$`, 'm'));
    assert.match(script.stdout, /^session\.started: ses_/m);
  });

  test('the customer declines: exit 3', { timeout: 60_000 }, async () => {
    const script = run(callId('py'));
    const inviteId = await script.line(/^invite: (inv_\S+)$/m);
    const page = await customerOpens(await script.line(/^link: (http\S+)$/m), inviteId);
    assert.equal((await page.request({ type: 'invite.decline', inviteId })).type, 'ok');
    assert.equal(await script.exitCode(), 3, script.output());
    assert.match(script.stderr, /invite\.declined/);
    assert.doesNotMatch(script.stdout, /session\.started/);
  });

  test('a wrong client secret: exit 2 with the problem code on stderr', { timeout: 60_000 }, async () => {
    const script = run(callId('py'), { secret: 'tsk_not-the-secret' });
    assert.equal(await script.exitCode(), 2, script.output());
    assert.match(script.stderr, /^error invalid_client \(401\): .+ \[req_\S+\]$/m);
    assert.equal(script.stdout, '');
  });

  test('a dropped event stream is resumed with Last-Event-ID and nothing is missed', { timeout: 60_000 }, async () => {
    const proxy = new CuttableProxy(new URL(s.url));
    try {
      const script = run(callId('py'), { url: await proxy.listen() });
      const inviteId = await script.line(/^invite: (inv_\S+)$/m);
      const link = await script.line(/^link: (http\S+)$/m);
      const streams = () => proxy.requests.filter((r) => r.startsWith('GET /v1/events/stream'));
      await waitUntil(async () => streams().length === 1, WAIT_MS, 'the script to open the event stream');
      proxy.cutAll();
      // The customer answers while the script is disconnected; the resumed stream must replay it.
      const page = await customerOpens(link, inviteId);
      assert.equal((await page.acceptInvite(inviteId)).type, 'session.started');

      assert.equal(await script.exitCode(), 0, script.output());
      assert.match(script.stdout, /^session\.started: ses_/m);
      assert.match(script.stderr, /dropped/);
      assert.equal(streams().length, 2, script.output());
      const [first, second] = streams().map((r) => Number(/^last-event-id: (\d+)\r$/im.exec(r)?.[1]));
      assert.ok(first! > 0 && second === first, `resumed from ${second}, first opened from ${first}`);
    } finally {
      await proxy.close();
    }
  });

  test('nobody answers: exit 4 at the timeout', { timeout: 60_000 }, async () => {
    const script = run(callId('py'), { extra: ['--timeout', '2', '--channels', 'code'] });
    await script.line(/^code: (\d+)$/m);
    const started = Date.now();
    assert.equal(await script.exitCode(), 4, script.output());
    assert.ok(Date.now() - started < 5_000, 'exits close to the timeout');
    assert.match(script.stderr, /timed out/);
  });
});
