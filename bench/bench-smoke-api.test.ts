import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

// Keeps the benchmark harness working: the API scenario run tiny. No figure is asserted. The smoke run is
// split over several files (they run side by side): whole, it outgrew one test's time limit on a slow machine.
test('npm run bench -- --smoke --only=api runs and prints its rows', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', new URL('./run.ts', import.meta.url).pathname, '--smoke', '--only=api'],
    { encoding: 'utf8', timeout: 280_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\| scenario \| metric \| Tandem \| baseline \| ratio \| target \| met \|/);
  for (const scenario of ['API (pglite)', 'API (postgres)']) assert.ok(run.stdout.includes(`| ${scenario} |`), scenario);
});
