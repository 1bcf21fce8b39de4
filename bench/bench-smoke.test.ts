import { test } from 'node:test';
import { smokeRun } from './harness/smoke-run.ts';

// Keeps the benchmark harness working. The server-side scenarios run in bench-smoke-*.test.ts, beside this one.
test('npm run bench -- --smoke runs every browser scenario and prints the table', () => {
  smokeRun(['dom', 'pointer', 'join', 'capture', 'bytes', 'weight'],
    ['DOM change → replica', 'pointer → cursor', 'agent join', 'capture cost', 'bytes on the wire', 'SDK weight']);
});
