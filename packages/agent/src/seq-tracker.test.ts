import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeqTracker } from './seq-tracker.ts';

test('deltas in order after a snapshot apply', () => {
  const tracker = new SeqTracker();
  assert.equal(tracker.snapshot(10), 'apply');
  assert.deepEqual([11, 12, 13].map((seq) => tracker.delta(seq)), ['apply', 'apply', 'apply']);
});

test('a missing delta asks for a snapshot once and skips until it arrives', () => {
  const tracker = new SeqTracker();
  tracker.snapshot(0);
  assert.equal(tracker.delta(1), 'apply');
  assert.equal(tracker.delta(3), 'request-gap');
  assert.equal(tracker.delta(4), 'skip');
  assert.equal(tracker.delta(5), 'skip');
  assert.equal(tracker.snapshot(6), 'apply');
  assert.equal(tracker.delta(7), 'apply');
});

test('a snapshot resets the expected sequence, whatever it was', () => {
  const tracker = new SeqTracker();
  tracker.snapshot(50);
  tracker.delta(51);
  tracker.snapshot(0);
  assert.equal(tracker.delta(1), 'apply');
});

test('deltas before any snapshot ask for one (a join), once', () => {
  const tracker = new SeqTracker();
  assert.equal(tracker.delta(4), 'request-join');
  assert.equal(tracker.delta(5), 'skip');
  tracker.snapshot(6);
  tracker.reset();
  assert.equal(tracker.delta(7), 'request-join', 'a reconnect starts over');
});

test('an unreadable sequenced frame counts as a gap', () => {
  const tracker = new SeqTracker();
  tracker.snapshot(0);
  assert.equal(tracker.lost(), 'request-gap');
  assert.equal(tracker.lost(), 'skip');
  assert.equal(tracker.delta(2), 'skip');
});

test('sequence numbers wrap at 2^32 like the header field', () => {
  const tracker = new SeqTracker();
  tracker.snapshot(0xffffffff);
  assert.equal(tracker.delta(0), 'apply');
});
