import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps the benchmark harness working: every scenario runs tiny. No figure is asserted.
test('npm run bench -- --smoke runs every scenario and prints the table', () => {
  const run =
    spawnSync(process.execPath, ['--import', 'tsx', new URL('./run.ts', import.meta.url).pathname, '--smoke'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\| scenario \| metric \| Tandem \| baseline \| ratio \| target \| met \|/);
  const scenarios = [
    'DOM change → replica', 'pointer → cursor', 'agent join', 'capture cost', 'bytes on the wire', 'SDK weight',
    'relay throughput', 'cross-node hop', 'API (pglite)', 'API (postgres)', 'sessions per machine',
  ];
  for (const scenario of scenarios) assert.ok(run.stdout.includes(`| ${scenario} |`), scenario);
  // The sessions rows stand beside the bare ws relay driven by the same load generator: a figure and a ratio in each.
  for (const metric of ['8 active: p99 relay latency', '8 active: server CPU (user + sys) per relayed frame']) {
    assert.match(run.stdout, new RegExp(`\\| sessions per machine \\| ${metric.replace(/[()+]/g, '\\$&')}[^|]* \\| [\\d.]+ (ms|µs) \\| [\\d.]+ (ms|µs) \\| [\\d.]+× \\|`), metric);
  }
});
