import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps the cluster scenario working (three nodes behind nginx, one killed), tiny. No figure is asserted.
test('npm run bench -- --smoke --only=cluster runs the cluster scenario and prints its rows', () => {
  const runTs = new URL('./run.ts', import.meta.url).pathname;
  const run = spawnSync(process.execPath, ['--import', 'tsx', runTs, '--smoke', '--only=cluster'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
  const metrics = ['page and agent on different nodes: p99 relay latency', 'node 1 SIGKILLed: time until a cut-off session', 'node 1 SIGKILLed: frames lost'];
  for (const metric of metrics) {
    assert.ok(run.stdout.includes(metric), metric);
  }
  assert.doesNotMatch(run.stdout, /\| failed \|/);
});
