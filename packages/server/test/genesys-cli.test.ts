import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-genesys-cli-'));

/** Runs the CLI without blocking this process, which serves the fake Genesys. */
function run(args: string[], env: Record<string, string>): Promise<{ out: string; err: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args],
    { env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) => child.on('exit', (code) => {
    clearTimeout(timer);
    resolve({ out, err, code });
  }));
}

describe('tandem genesys (CLI)', () => {
  let fake: FakeGenesys;
  let env: Record<string, string>;
  before(async () => {
    fake = await startFakeGenesys();
    env = { GENESYS_API_BASE_URL: fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl };
  });
  after(async () => {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('link, status, unlink; wrong credentials exit 2 with the code and what to check', async () => {
    const bad = await run(['genesys', 'link', '--region', 'euw2.pure.cloud', '--client-id', FAKE_CLIENT_ID, '--client-secret', 'nope', '--users', 'a1b2'], env);
    assert.equal(bad.code, 2, bad.err);
    assert.match(bad.err, /^genesys_credentials_rejected: .*check the region/m);

    const ok = await run(['genesys', 'link', '--region', 'euw2.pure.cloud', '--client-id', FAKE_CLIENT_ID, '--client-secret', FAKE_CLIENT_SECRET, '--users',
      'a1b2,c3d4', '--sms-from', '+13175550100'], env);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /linked Genesys Cloud euw2\.pure\.cloud .*following 2 users, 0 queues; SMS from \+13175550100/);

    const status = await run(['genesys', 'status'], env);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /^connecting\n/);
    assert.match(status.out, /users=a1b2,c3d4/);
    assert.ok(!status.out.includes(FAKE_CLIENT_SECRET), 'the secret is never printed');

    assert.equal((await run(['genesys', 'unlink'], env)).code, 0);
    const gone = await run(['genesys', 'status'], env);
    assert.equal(gone.code, 2);
    assert.match(gone.err, /^genesys_not_linked: /);
  });
});
