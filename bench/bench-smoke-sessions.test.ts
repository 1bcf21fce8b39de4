import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smokeRun } from './harness/smoke-run.ts';

test('npm run bench -- --smoke runs the sessions scenario beside its bare ws relay', () => {
  const out = smokeRun(['sessions'], ['sessions per machine']);
  // The sessions rows stand beside the bare ws relay driven by the same load generator: a figure and a ratio in each.
  for (const metric of ['8 active: p99 relay latency', '8 active: server CPU (user + sys) per relayed frame']) {
    assert.match(out, new RegExp(`\\| sessions per machine \\| ${metric.replace(/[()+]/g, '\\$&')}[^|]* \\| [\\d.]+ (ms|µs) \\| [\\d.]+ (ms|µs) \\| [\\d.]+× \\|`), metric);
  }
});
