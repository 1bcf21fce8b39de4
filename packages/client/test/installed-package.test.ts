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
import { SHOP_ORIGIN, callId, createDeployment } from '../../server/test/fixtures.ts';
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

/** The README's outbound flow, as a user's plain ES module. */
const FLOW_SCRIPT = `
import { randomUUID } from 'node:crypto';
import { TandemClient, isTandemApiError } from '@tandem/client';

const tandem = new TandemClient({
  baseUrl: process.env.TANDEM_URL,
  clientId: process.env.TANDEM_CLIENT_ID,
  clientSecret: process.env.TANDEM_CLIENT_SECRET,
});
const callId = process.argv[2];

try {
  await tandem.invites.create({ conversationId: 'never-dialled-' + callId });
} catch (err) {
  if (!isTandemApiError(err)) throw err;
  console.log('refused: ' + err.code + ' ' + err.status + ' ' + err.requestId);
}

await tandem.conversations.upsert(callId, {
  state: 'connected',
  customer: { id: 'cust-42', phone: '+14155550123' },
  agent: { id: 'a-7', name: 'Dana' },
});
const invite = await tandem.invites.create({ conversationId: callId, channels: ['sms'] }, { idempotencyKey: randomUUID() });
console.log('invite: ' + invite.id);
console.log('link: ' + invite.link);
const started = await tandem.waitFor('session.started', { conversationId: callId, timeoutMs: 30_000 });
console.log('session.started: ' + started.sessionId);
const hungUp = await tandem.conversations.upsert(callId, { state: 'disconnected' });
console.log('conversation: ' + hungUp.state);
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
  return code + state;
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
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(work, tarball)], { cwd: app, env: CLEAN_ENV, timeout: 120_000 });

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
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [], skipLibCheck: false },
      files: ['consumer.ts'],
    }));
    // tsc exits non-zero with the errors on stdout; an unused @ts-expect-error is an error too.
    const output = await run(process.execPath, [TSC, '-p', app], { cwd: app, timeout: 120_000 }).then(
      (done) => done.stdout,
      (err: { stdout?: string; message: string }) => err.stdout || err.message,
    );
    assert.equal(output, '');
  });

  test('plain node runs the README flow: a problem code, the invite, session.started when the customer shares, hang up', { timeout: 90_000 }, async () => {
    await writeFile(path.join(app, 'flow.mjs'), FLOW_SCRIPT);
    const call = callId('npm');
    const script = new ScriptProcess(process.execPath, ['flow.mjs', call], {
      cwd: app,
      env: { TANDEM_URL: s.url, TANDEM_CLIENT_ID: s.clientId, TANDEM_CLIENT_SECRET: s.clientSecret, NODE_OPTIONS: '' },
    });
    scripts.push(script);

    assert.match(await script.line(/^refused: (.+)$/m), /^conversation_not_found 404 req_\S+$/);
    const inviteId = await script.line(/^invite: (inv_\S+)$/m);
    const page = await customerOpensLink(s.url, deploymentKey, SHOP_ORIGIN, await script.line(/^link: (http\S+)$/m), inviteId);
    pages.push(page);
    const started = await page.acceptInvite(inviteId);
    assert.equal(started.type, 'session.started', JSON.stringify(started));
    const sessionId = started.type === 'session.started' ? started.sessionId : '';

    assert.equal(await script.exitCode(30_000), 0, script.output());
    assert.match(script.stdout, new RegExp(`^session\\.started: ${sessionId}$`, 'm'));
    assert.match(script.stdout, /^conversation: disconnected$/m);
    const session = await s.api('GET', `/v1/sessions/${sessionId}`);
    assert.equal(session.body.state, 'ended');
    assert.equal(session.body.endReason, 'call_ended');
  });
});
