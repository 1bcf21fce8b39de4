// `npm run cluster`'s promise, that the demo works through a balancer with no sticky sessions: the
// whole demo story (demo-story.e2e.test.ts) run again against three node processes behind nginx.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('the demo story through three nodes behind nginx', () => {
  const story = new URL('./demo-story.e2e.test.ts', import.meta.url).pathname;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=spec', story], {
    encoding: 'utf8',
    timeout: 280_000,
    // NODE_TEST_CONTEXT would make the inner run report to this one instead of printing its results.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, DEMO_STORY_CLUSTER: '1', UPDATE_SCREENSHOTS: '' },
  });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /ℹ fail 0/);
  assert.match(run.stdout, /ℹ pass [1-9]/);
});
