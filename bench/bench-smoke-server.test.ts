import { test } from 'node:test';
import { smokeRun } from './harness/smoke-run.ts';

test('npm run bench -- --smoke runs the relay, cross-node hop and idle-visitor scenarios', () => {
  smokeRun(['relay', 'cluster-hop', 'idle'], ['relay throughput', 'cross-node hop']);
});
