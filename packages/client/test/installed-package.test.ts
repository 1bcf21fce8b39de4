// @tandem/client as a user gets it: built, packed with npm, installed from the tarball into an
// empty folder (offline: the package has no dependencies), type-checked against its declarations,
// and run with plain `node` (no tsx) against a live server while a customer accepts the invite.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { buildClient } from '../build.ts';
import { SHOP_ORIGIN, createDeployment } from '../../server/test/fixtures.ts';
import { customerOpensLink } from '../../server/test/link-customer.ts';
import { ScriptProcess } from '../../server/test/script-process.ts';
import { startTestServer, type TestServer } from '../../server/test/test-server.ts';
import type { VisitorClient } from '../../server/test/visitor-client.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
// Under `npm test`, npm passes its settings down as npm_* variables (workspace, prefix...): the
// integrator's npm in the empty folder must not inherit the monorepo's.
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

const README = path.join(ROOT, 'packages/client/README.md');

/** The README's outbound flow, exactly as written there: what a user copies into their backend. */
async function readmeFlow(): Promise<string> {
  const text = await readFile(README, 'utf8');
  const block = /## The outbound flow[\s\S]*?```js\n([\s\S]*?)```/.exec(text)?.[1];
  assert.ok(block, 'the README has a js block under "The outbound flow"');
  return block;
}

/** A problem answer, from the installed package: TandemApiError with the stable code. */
const PROBLEM_SCRIPT = `
import { TandemClient, isTandemApiError } from '@tandem/client';
const tandem = new TandemClient({ baseUrl: process.env.TANDEM_URL, clientId: process.env.TANDEM_CLIENT_ID, clientSecret: process.env.TANDEM_CLIENT_SECRET });
try {
  await tandem.invites.create({ conversationId: 'never-dialled' });
} catch (err) {
  if (!isTandemApiError(err, 'conversation_not_found')) throw err;
  console.log('refused: ' + err.code + ' ' + err.status + ' ' + err.requestId);
}
`;

/** Compiles only if the declarations carry the API's types (a wrong field or event type fails). */
const TYPED_CONSUMER = `
import { TandemClient, TandemApiError, type Invite, type TandemEvent, type Session } from '@tandem/client';

const tandem = new TandemClient({ baseUrl: 'http://127.0.0.1:1', clientId: 'cli_x', clientSecret: 'tsk_x' });
export async function flow(): Promise<string | null> {
  const invite: Invite = await tandem.invites.create({ conversationId: 'c', channels: ['sms', 'code'] });
  const code: string = invite.code;
  // @ts-expect-error: 'fax' is not a channel
  await tandem.invites.create({ conversationId: 'c', channels: ['fax'] });
  // @ts-expect-error: not an event type
  await tandem.waitFor('session.begun', { timeoutMs: 1 });
  const started: TandemEvent<'session.started'> = await tandem.waitFor('session.started', { conversationId: 'c', timeoutMs: 1 });
  const session: Session = await tandem.sessions.get(started.sessionId ?? '');
  const state: 'active' | 'ended' = session.state;
  // Payloads are typed by event type in the published declarations too.
  const ended = await tandem.waitFor('session.ended', { conversationId: 'c', timeoutMs: 1 });
  const reason: 'call_ended' | 'customer_stopped' | 'agent_ended' | 'api_ended' | 'customer_left' = ended.data.reason;
  // @ts-expect-error: session.started carries no reason
  void started.data.reason;
  return code + state + reason;
}
export function codeOf(err: unknown): string | undefined {
  return err instanceof TandemApiError ? err.code : undefined;
}
`;

describe('@tandem/client installed from its npm tarball', () => {
  let work: string;
  let app: string;
  let s: TestServer;
  let deploymentKey: string;
  const pages: VisitorClient[] = [];
  const scripts: ScriptProcess[] = [];

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'tandem-client-pkg-'));
    const dist = await buildClient();
    await run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: dist, env: CLEAN_ENV, timeout: 60_000 });
    const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote no tarball');

    app = path.join(work, 'app');
    await mkdir(app);
    await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'integrator-app', private: true, type: 'module' }));
    // --offline: the package must need nothing from a registry.
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(work, tarball)],
      { cwd: app, env: CLEAN_ENV, timeout: 120_000 });

    s = await startTestServer('pglite');
    deploymentKey = (await createDeployment(s)).key;
  });
  after(async () => {
    for (const script of scripts) script.kill();
    for (const page of pages) page.close();
    await s?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('the installed package has no dependencies and ships JavaScript, declarations and the README', async () => {
    const dir = path.join(app, 'node_modules/@tandem/client');
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual((await readdir(dir)).sort(), ['README.md', 'index.d.ts', 'index.js', 'package.json']);
    assert.match(await readFile(path.join(dir, 'README.md'), 'utf8'), /waitFor\('session\.started'/);
    // Nothing else was installed beside it.
    assert.deepEqual((await readdir(path.join(app, 'node_modules'))).filter((f) => !f.startsWith('.')), ['@tandem']);
  });

  test('a TypeScript consumer type-checks against the declarations, and misuse is a type error', async () => {
    await writeFile(path.join(app, 'consumer.ts'), TYPED_CONSUMER);
    await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [],
        skipLibCheck: false },
      files: ['consumer.ts'],
    }));
    // tsc exits non-zero with the errors on stdout; an unused @ts-expect-error is an error too.
    const output = await run(process.execPath, [TSC, '-p', app], { cwd: app, timeout: 120_000 }).then(
      (done) => done.stdout,
      (err: { stdout?: string; message: string }) => err.stdout || err.message,
    );
    assert.equal(output, '');
  });

  function runScript(file: string) {
    const script = new ScriptProcess(process.execPath, [file], {
      cwd: app,
      // Plain node: no TypeScript loader inherited from the test runner.
      env: { TANDEM_URL: s.url, TANDEM_CLIENT_ID: s.clientId, TANDEM_CLIENT_SECRET: s.clientSecret, NODE_OPTIONS: '' },
    });
    scripts.push(script);
    return script;
  }

  test('a problem answer is a TandemApiError with its code, status and request id', { timeout: 60_000 }, async () => {
    await writeFile(path.join(app, 'problem.mjs'), PROBLEM_SCRIPT);
    const script = runScript('problem.mjs');
    assert.equal(await script.exitCode(30_000), 0, script.output());
    assert.match(script.stdout, /^refused: conversation_not_found 404 req_\S+$/m);
  });

  test('plain node runs the README flow as written: invite, session.started when the customer shares, hang up', { timeout: 90_000 }, async () => {
    await writeFile(path.join(app, 'flow.mjs'), await readmeFlow());
    const script = runScript('flow.mjs');
    // The README prints `console.log(invite.code, invite.link)`.
    const link = await script.line(/^\d{10} (http\S+)$/m);
    const inviteId = (await s.api('GET', '/v1/invites?conversationId=call-1001')).body.data[0]?.id as string;
    assert.match(inviteId, /^inv_/);
    const page = await customerOpensLink(s.url, deploymentKey, SHOP_ORIGIN, link, inviteId);
    pages.push(page);
    const started = await page.acceptInvite(inviteId);
    assert.equal(started.type, 'session.started', JSON.stringify(started));
    const sessionId = started.type === 'session.started' ? started.sessionId : '';

    assert.equal(await script.exitCode(30_000), 0, script.output());
    assert.match(script.stdout, new RegExp(`^sharing: ${sessionId}$`, 'm'));
    const session = await s.api('GET', `/v1/sessions/${sessionId}`);
    assert.equal(session.body.state, 'ended', 'the hang-up ended the session');
    assert.equal(session.body.endReason, 'call_ended');
    assert.equal((await s.api('GET', '/v1/conversations/call-1001')).body.state, 'disconnected');
  });
});
