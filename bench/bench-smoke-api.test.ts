import { test } from 'node:test';
import { smokeRun } from './harness/smoke-run.ts';

test('npm run bench -- --smoke runs the API scenario on PGlite and Postgres', () => {
  smokeRun(['api'], ['API (pglite)', 'API (postgres)']);
});
