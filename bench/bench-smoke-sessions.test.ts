import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps the benchmark harness working: the sessions scenario, beside its bare ws relay run tiny. No figure is asserted. The smoke run is
// split over several files (they run side by side): whole, it outgrew one test's time limit on a slow machine.
test('npm run bench -- --smoke --only=sessions runs and prints its rows', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', new URL('./run.ts', import.meta.url).pathname, '--smoke', '--only=sessions'],
    { encoding: 'utf8', timeout: 280_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\| scenario \| metric \| Tandem \| baseline \| ratio \| target \| met \|/);
  for (const scenario of ['sessions per machine']) assert.ok(run.stdout.includes(`| ${scenario} |`), scenario);
  // The sessions rows stand beside the bare ws relay driven by the same load generator: a figure and a ratio in each.
  for (const metric of ['8 active: p99 relay latency', '8 active: server CPU (user + sys) per relayed frame']) {
    assert.match(run.stdout, new RegExp(`\\| sessions per machine \\| ${metric.replace(/[()+]/g, '\\$&')}[^|]* \\| [\\d.]+ (ms|µs) \\| [\\d.]+ (ms|µs) \\| [\\d.]+× \\|`), metric);
  }
});
