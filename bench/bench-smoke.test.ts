import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps the benchmark harness working: every browser scenario runs tiny. No figure is asserted.
// The server-side scenarios run in bench-smoke-{server,api,sessions}.test.ts, beside this one: together they
// outgrew one test's time limit on a slow machine.
test('npm run bench -- --smoke runs every browser scenario and prints the table', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', new URL('./run.ts', import.meta.url).pathname, '--smoke',
    '--only=dom,pointer,join,capture,bytes,weight'], { encoding: 'utf8', timeout: 280_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\| scenario \| metric \| Tandem \| baseline \| ratio \| target \| met \|/);
  const scenarios = ['DOM change → replica', 'pointer → cursor', 'agent join', 'capture cost', 'bytes on the wire', 'SDK weight'];
  for (const scenario of scenarios) assert.ok(run.stdout.includes(`| ${scenario} |`), scenario);
});
