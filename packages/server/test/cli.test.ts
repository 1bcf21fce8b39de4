import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-cli-'));
const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };

function run(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
}

/** Starts the server, waits for its banner, then stops it with SIGTERM. */
async function startAndStop(): Promise<{ out: string; code: number | null; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    // A real first start (PGlite's initdb, seconds of CPU) on a busy 2-core machine has taken over 30 s.
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 120_000);
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m && /API docs/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { out, code, url };
}

describe('tandem CLI', () => {
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('start prints the URL and, on the first start only, the API client credentials; SIGTERM stops it cleanly', async () => {
    const first = await startAndStop();
    assert.match(first.out, /Tandem is running at/);
    assert.match(first.out, /TANDEM_CLIENT_ID=cli_[0-9a-z]+/);
    assert.match(first.out, /TANDEM_CLIENT_SECRET=tsk_\S{40,}/);
    assert.equal(first.code, 0);
    const second = await startAndStop();
    assert.doesNotMatch(second.out, /TANDEM_CLIENT_SECRET/);
    assert.equal(second.code, 0);
  });

  test('clients create, list and revoke', () => {
    const created = run(['clients', 'create', '--name', 'dialer', '--scopes', 'invites:write events:read']);
    assert.equal(created.status, 0, created.stderr);
    const id = /client_id=(\S+)/.exec(created.stdout)![1]!;
    assert.match(created.stdout, /client_secret=tsk_/);
    assert.match(created.stdout, /scopes=invites:write events:read/);
    const listed = run(['clients', 'list']);
    assert.match(listed.stdout, new RegExp(`${id}\\tdialer\\tactive`));
    assert.doesNotMatch(listed.stdout, /tsk_/, 'secrets are never listed');
    assert.equal(run(['clients', 'revoke', id]).status, 0);
    assert.match(run(['clients', 'list']).stdout, new RegExp(`${id}\\tdialer\\trevoked`));
    const bad = run(['clients', 'create', '--name', 'x', '--scopes', 'root']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Unknown scopes: root/);
  });

  test('a bad configuration stops the start with a clear message', () => {
    const r = run(['start'], { PORT: 'abc', LOG_LEVEL: 'chatty' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /PORT="abc" must be a whole number/);
    assert.match(r.stderr, /LOG_LEVEL="chatty"/);
  });

  test('an unknown command prints the usage', () => {
    const r = run(['fly']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Usage: tandem/);
  });
});
