import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps the benchmark harness working: every scenario runs tiny. No figure is asserted.
test('npm run bench -- --smoke runs every scenario and prints the table', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', new URL('./run.ts', import.meta.url).pathname, '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\| scenario \| metric \| Tandem \| baseline \| ratio \| target \| met \|/);
  for (const scenario of ['relay throughput', 'API (pglite)', 'API (postgres)']) assert.ok(run.stdout.includes(`| ${scenario} |`), scenario);
});
