// The Python client as an integrator gets it: `pip install ./packages/client-python` into a fresh
// venv, then scripts using the installed package against a live server, the customer played over
// the visitor WebSocket the browser SDK speaks.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { SHOP_ORIGIN, callId, createDeployment, waitUntil } from '../../server/test/fixtures.ts';
import { customerOpensLink } from '../../server/test/link-customer.ts';
import { ScriptProcess } from '../../server/test/script-process.ts';
import { startTestServer, type TestServer } from '../../server/test/test-server.ts';
import type { VisitorClient } from '../../server/test/visitor-client.ts';
import { installPythonClient, PYTHON_CLIENT_DIR, type PythonEnv } from './python-venv.ts';
import { RecordingProxy } from './recording-proxy.ts';

const CHECKS = path.join(PYTHON_CLIENT_DIR, 'test', 'live_checks.py');
const WAIT_MS = 20_000;

describe('tandem_client (Python) installed with pip into a fresh venv', () => {
  let py: PythonEnv;
  let s: TestServer;
  let deploymentKey: string;
  const running: ScriptProcess[] = [];
  const pages: VisitorClient[] = [];

  before(async () => {
    py = await installPythonClient();
    s = await startTestServer('pglite', { WEBHOOK_ALLOW_PRIVATE: 'true' });
    deploymentKey = (await createDeployment(s)).key;
  });
  afterEach(() => {
    for (const script of running.splice(0)) script.kill();
    for (const page of pages.splice(0)) page.close();
  });
  after(async () => {
    await s?.close();
    if (py) await rm(py.dir, { recursive: true, force: true });
  });

  function checks(args: string[], opts: { url?: string; secret?: string } = {}) {
    // cwd outside the repository: `import tandem_client` must find the installed copy.
    const script = new ScriptProcess(py.python, [CHECKS, ...args], {
      cwd: py.dir,
      env: { TANDEM_URL: opts.url ?? s.url, TANDEM_CLIENT_ID: s.clientId, TANDEM_CLIENT_SECRET: opts.secret ?? s.clientSecret },
    });
    running.push(script);
    return script;
  }

  test('a problem answer is a TandemApiError with code, status and request id', { timeout: 60_000 }, async () => {
    const script = checks(['problem']);
    assert.equal(await script.exitCode(WAIT_MS), 0, script.output());
    assert.ok((await script.line(/^module: (.+)$/m)).startsWith(path.join(py.dir, 'venv')), 'the installed package is imported, not the source');
    const errors = [...script.stdout.matchAll(/^error: (.+)$/gm)].map((m) => m[1]!);
    assert.equal(errors.length, 2, script.output());
    assert.match(errors[0]!, /^conversation_not_found 404 req_\S+$/);
    assert.match(errors[1]!, /^invalid_client 401 req_\S+$/);
  });

  test('wait_for returns session.started when the customer shares; one token serves every call', { timeout: 60_000 }, async () => {
    const call = callId('pyc');
    const script = checks(['outbound', '--call-id', call]);
    const inviteId = await script.line(/^invite: (inv_\S+)$/m, WAIT_MS);
    const page = await customerOpensLink(s.url, deploymentKey, SHOP_ORIGIN, await script.line(/^link: (http\S+)$/m), inviteId);
    pages.push(page);
    const started = await page.acceptInvite(inviteId);
    assert.equal(started.type, 'session.started', JSON.stringify(started));
    const sessionId = started.type === 'session.started' ? started.sessionId : '';

    assert.equal(await script.exitCode(WAIT_MS), 0, script.output());
    assert.match(script.stdout, new RegExp(`^session\\.started: ${sessionId} seq \\d+$`, 'm'));
    assert.match(script.stdout, /^session state: active$/m);
    assert.match(script.stdout, /^conversation: disconnected$/m);
    assert.match(script.stdout, /^token fetches: 1$/m);
    const session = await s.api('GET', `/v1/sessions/${sessionId}`);
    assert.equal(session.body.endReason, 'call_ended', 'the hang-up ended the session');
  });

  test('the README flow runs as written: the code and link, session.started when the customer shares, hang up', { timeout: 60_000 }, async () => {
    const readme = await readFile(path.join(PYTHON_CLIENT_DIR, 'README.md'), 'utf8');
    const flow = /## The outbound flow[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(flow, 'the README has a python block under "The outbound flow"');
    const file = path.join(py.dir, 'readme_flow.py');
    await writeFile(file, flow);
    const script = new ScriptProcess(py.python, [file], {
      cwd: py.dir,
      env: { TANDEM_URL: s.url, TANDEM_CLIENT_ID: s.clientId, TANDEM_CLIENT_SECRET: s.clientSecret },
    });
    running.push(script);
    // The README prints `invite.code, invite.link`.
    const link = await script.line(/^\d{10} (http\S+)$/m, WAIT_MS);
    const inviteId = (await s.api('GET', '/v1/invites?conversationId=call-1001')).body.data[0]?.id as string;
    const page = await customerOpensLink(s.url, deploymentKey, SHOP_ORIGIN, link, inviteId);
    pages.push(page);
    const started = await page.acceptInvite(inviteId);
    assert.equal(started.type, 'session.started', JSON.stringify(started));
    const sessionId = started.type === 'session.started' ? started.sessionId : '';

    assert.equal(await script.exitCode(WAIT_MS), 0, script.output());
    assert.match(script.stdout, new RegExp(`^session\\.started ${sessionId}$`, 'm'));
    assert.equal((await s.api('GET', `/v1/sessions/${sessionId}`)).body.endReason, 'call_ended');
  });

  test('a dropped event stream is resumed with Last-Event-ID and the event that came meanwhile arrives', { timeout: 60_000 }, async () => {
    const proxy = new RecordingProxy(new URL(s.url));
    try {
      const script = checks(['outbound', '--call-id', callId('pyc')], { url: await proxy.listen() });
      const inviteId = await script.line(/^invite: (inv_\S+)$/m, WAIT_MS);
      const link = await script.line(/^link: (http\S+)$/m);
      await waitUntil(async () => proxy.streamRequests().length === 1, WAIT_MS, 'the client to open the event stream');
      proxy.cutAll();
      // The customer shares while the client is disconnected; the resumed stream must deliver it.
      const page = await customerOpensLink(s.url, deploymentKey, SHOP_ORIGIN, link, inviteId);
      pages.push(page);
      assert.equal((await page.acceptInvite(inviteId)).type, 'session.started');

      assert.equal(await script.exitCode(WAIT_MS), 0, script.output());
      assert.match(script.stdout, /^session\.started: ses_\S+ seq \d+$/m);
      assert.match(script.stderr, /event stream dropped .*reconnecting after event \d+/);
      // Opened after the history it had read, resumed from the same place: nothing missed or repeated.
      const [first, second] = proxy.streamRequests();
      const opened = /[?&]after=(\d+)/.exec(first ?? '')?.[1];
      const resumed = /^last-event-id: (\d+)\r$/im.exec(second ?? '')?.[1];
      assert.ok(opened !== undefined && resumed === opened, `opened after ${opened}, resumed with Last-Event-ID ${resumed}`);
    } finally {
      await proxy.close();
    }
  });

  test('stream_events across a cut: every event of the call once, in order, resumed from the last one it had', { timeout: 60_000 }, async () => {
    const proxy = new RecordingProxy(new URL(s.url));
    try {
      const call = callId('pyc');
      const script = checks(['stream', '--call-id', call], { url: await proxy.listen() });
      const inviteId = await script.line(/^invite: (inv_\S+)$/m, WAIT_MS);
      const link = await script.line(/^link: (http\S+)$/m);
      await script.line(/^event: (\d+) invite\.created$/m, WAIT_MS);
      const seenBeforeCut = [...script.stdout.matchAll(/^event: (\d+) /gm)].map((m) => Number(m[1]));
      proxy.cutAll();
      const page = await customerOpensLink(s.url, deploymentKey, SHOP_ORIGIN, link, inviteId);
      pages.push(page);
      assert.equal((await page.acceptInvite(inviteId)).type, 'session.started');

      assert.equal(await script.exitCode(WAIT_MS), 0, script.output());
      const printed = [...script.stdout.matchAll(/^event: (\d+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
      const log = (await s.api('GET', `/v1/events?conversationId=${call}&limit=1000`)).body.data as { seq: number; type: string }[];
      const upToStart = log.slice(0, log.findIndex((e) => e.type === 'session.started') + 1).map((e) => `${e.seq} ${e.type}`);
      assert.deepEqual(printed, upToStart, 'each event of the call exactly once, in order');
      const resumed = Number(/^last-event-id: (\d+)\r$/im.exec(proxy.streamRequests()[1] ?? '')?.[1]);
      assert.ok(resumed >= Math.max(...seenBeforeCut), `resumed with Last-Event-ID ${resumed}, had printed up to ${Math.max(...seenBeforeCut)}`);
    } finally {
      await proxy.close();
    }
  });

  test('WebhookVerifier accepts a real Tandem delivery and refuses a tampered copy of it', { timeout: 60_000 }, async () => {
    const receiver = checks(['webhook-receiver']);
    const url = await receiver.line(/^receiver: (http\S+)$/m, WAIT_MS);
    const webhookId = await receiver.line(/^webhook: (wh_\S+)$/m);
    const call = callId('pyc');
    const put = await s.api('PUT', `/v1/conversations/${call}`, { state: 'connected', customer: { id: 'cust-1' } });
    assert.ok(put.status < 300, put.text);

    const verified = await receiver.line(new RegExp(`^verified: (conversation\\.updated ${call} \\S+)$`, 'm'), WAIT_MS).catch(async (err: Error) => {
      // What the server tried, to tell a delivery that never came from one the receiver refused.
      throw new Error(`${err.message}\ndeliveries: ${(await s.api('GET', `/v1/webhooks/${webhookId}/deliveries`)).text}`);
    });
    const delivery = JSON.parse(await receiver.line(/^raw: (.+)$/m)) as { headers: Record<string, string>; body: string };
    assert.equal(verified.split(' ')[2], delivery.headers['webhook-id']);

    // The same signed headers with one changed byte of body: a forger's or a broken proxy's.
    const tampered = delivery.body.replace(call, `${call}x`);
    assert.notEqual(tampered, delivery.body);
    const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([k]) => k.startsWith('webhook-') || k === 'content-type'));
    const res = await fetch(url, { method: 'POST', headers, body: tampered, signal: AbortSignal.timeout(WAIT_MS) });
    assert.equal(res.status, 400);
    assert.match(await receiver.line(/^(refused: .+)$/m), /no webhook-signature matches the body/);
  });

  test('tokens are renewed before they expire; old, unsigned and wrongly signed deliveries are refused', { timeout: 60_000 }, async () => {
    const script = checks(['offline']);
    assert.equal(await script.exitCode(WAIT_MS), 0, script.output());
    assert.match(script.stdout, /^tokens: tok1 tok1 tok2$/m);
    assert.match(script.stdout, /^after invalidate: tok3$/m);
    assert.match(script.stdout, /^signed: session\.started$/m);
    assert.match(script.stdout, /^rotated: session\.started$/m);
    assert.match(script.stdout, /^old: refused \(webhook-timestamp .* from now/m);
    assert.match(script.stdout, /^other-secret: refused \(no webhook-signature matches/m);
    assert.match(script.stdout, /^unsigned: refused \(the webhook-signature header is missing/m);
  });
});
