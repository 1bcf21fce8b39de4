import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, test } from 'node:test';
import { installPythonClient, type PythonEnv } from '../../packages/client-python/test/python-venv.ts';
import { RecordingProxy } from '../../packages/client-python/test/recording-proxy.ts';
import { SHOP_ORIGIN, callId, waitUntil } from '../../packages/server/test/fixtures.ts';
import { customerOpensLink } from '../../packages/server/test/link-customer.ts';
import { ScriptProcess } from '../../packages/server/test/script-process.ts';
import { startTestServer, type TestServer } from '../../packages/server/test/test-server.ts';
import type { VisitorClient } from '../../packages/server/test/visitor-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'examples/python/outbound_cobrowse.py');
const WAIT_MS = 15_000;

describe('examples/python/outbound_cobrowse.py against a live server', () => {
  let py: PythonEnv;
  let s: TestServer;
  let deploymentKey: string;
  const running: ScriptProcess[] = [];
  const pages: VisitorClient[] = [];

  before(async () => {
    // As the example's README says: the Python client installed with pip (here into a fresh venv).
    py = await installPythonClient();
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
    if (py) await rm(py.dir, { recursive: true, force: true });
  });

  function run(call: string, opts: { secret?: string; url?: string; extra?: string[] } = {}) {
    const script = new ScriptProcess(
      py.python,
      [SCRIPT, '--call-id', call, '--customer-id', `cust-${call}`, '--customer-phone', '+14155550123', '--agent-id', 'a1', '--agent-name', 'Dana',
        ...(opts.extra ?? [])],
      { cwd: ROOT, env: { TANDEM_URL: opts.url ?? s.url, TANDEM_CLIENT_ID: s.clientId, TANDEM_CLIENT_SECRET: opts.secret ?? s.clientSecret } },
    );
    running.push(script);
    return script;
  }

  /** The customer taps the SMS link: the site opens with the secret in the fragment and its page redeems it. */
  async function customerOpens(link: string, inviteId: string) {
    const page = await customerOpensLink(s.url, deploymentKey, SHOP_ORIGIN, link, inviteId, WAIT_MS);
    pages.push(page);
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
    const proxy = new RecordingProxy(new URL(s.url));
    try {
      const script = run(callId('py'), { url: await proxy.listen() });
      const inviteId = await script.line(/^invite: (inv_\S+)$/m);
      const link = await script.line(/^link: (http\S+)$/m);
      const streams = () => proxy.streamRequests();
      await waitUntil(async () => streams().length === 1, WAIT_MS, 'the script to open the event stream');
      proxy.cutAll();
      // The customer answers while the script is disconnected; the resumed stream must replay it.
      const page = await customerOpens(link, inviteId);
      assert.equal((await page.acceptInvite(inviteId)).type, 'session.started');

      assert.equal(await script.exitCode(), 0, script.output());
      assert.match(script.stdout, /^session\.started: ses_/m);
      assert.match(script.stderr, /dropped/);
      assert.equal(streams().length, 2, script.output());
      // Opened after the history it had read, resumed from the same place with Last-Event-ID.
      const [first, second] = streams();
      const opened = /[?&]after=(\d+)/.exec(first ?? '')?.[1];
      const resumed = /^last-event-id: (\d+)\r$/im.exec(second ?? '')?.[1];
      assert.ok(opened !== undefined && resumed === opened, `resumed from ${resumed}, first opened after ${opened}`);
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
