import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECONNECT_FIRST_MS, RECONNECT_MAX_MS, reconnectDelay } from '../src/wire/backoff.ts';

test('the delay doubles per attempt from the first step up to the cap, half of it fixed and half random', () => {
  const low = (attempt: number) => reconnectDelay(attempt, () => 0);
  const high = (attempt: number) => reconnectDelay(attempt, () => 1);
  assert.equal(low(0), RECONNECT_FIRST_MS / 2);
  assert.equal(high(0), RECONNECT_FIRST_MS);
  assert.deepEqual([1, 2, 3].map(high), [2, 4, 8].map((n) => n * RECONNECT_FIRST_MS));
  assert.equal(high(5), RECONNECT_MAX_MS, 'capped');
  assert.equal(low(5), RECONNECT_MAX_MS / 2);
  assert.equal(high(1000), RECONNECT_MAX_MS, 'no overflow however long it has been failing');
  assert.equal(low(-1), RECONNECT_FIRST_MS / 2, 'a negative attempt counts as the first');
});

test('pages that dropped together do not come back together: the real random spreads them over half the step', () => {
  const delays = Array.from({ length: 200 }, () => reconnectDelay(3));
  const step = RECONNECT_FIRST_MS * 8;
  assert.ok(delays.every((d) => d >= step / 2 && d <= step), 'every delay within [step/2, step]');
  assert.ok(new Set(delays.map((d) => Math.floor(d / 100))).size >= 10, 'spread over the range, not one value');
});
