import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Runs `npm run bench -- --smoke --only=<only>` (every scenario tiny; no figure is asserted) and
 * checks that it ends well and prints a row for each of `scenarios`. Returns what it printed.
 * The smoke run is split over several test files that run side by side: whole, it outgrew one
 * test's time limit on a slow machine.
 */
export function smokeRun(only: string[], scenarios: string[]): string {
  const run = spawnSync(process.execPath, ['--import', 'tsx', new URL('../run.ts', import.meta.url).pathname, '--smoke', `--only=${only.join(',')}`],
    { encoding: 'utf8', timeout: 280_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\| scenario \| metric \| Tandem \| baseline \| ratio \| target \| met \|/);
  for (const scenario of scenarios) assert.ok(run.stdout.includes(`| ${scenario} |`), scenario);
  return run.stdout;
}
