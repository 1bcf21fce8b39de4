import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaLog } from './delta-log.ts';

const frame = (n: number, size: number) => new Uint8Array(size).fill(n);

test('deltas come back in order and byte for byte, across growth of the buffer', () => {
  const log = new DeltaLog(1024 * 1024);
  const sent = Array.from({ length: 300 }, (_, i) => frame(i % 256, 1 + ((i * 37) % 500)));
  for (const f of sent) log.push(f);
  assert.equal(log.count, 300);
  assert.equal(log.byteLength, sent.reduce((a, f) => a + f.byteLength, 0));
  assert.deepEqual([...log.frames()].map((f) => Buffer.from(f)), sent.map((f) => Buffer.from(f)));
});

test('a view handed out (still queued in a socket) keeps its bytes when the log grows, is cleared and is filled again', () => {
  const log = new DeltaLog(1024 * 1024);
  log.push(frame(1, 100));
  const [queued] = [...log.frames()];
  for (let i = 0; i < 200; i++) log.push(frame(2, 1000));
  log.clear();
  assert.equal(log.byteLength, 0);
  assert.deepEqual([...log.frames()], []);
  log.push(frame(3, 100));
  assert.deepEqual(Buffer.from(queued!), Buffer.from(frame(1, 100)));
});

test('a received frame changed after it was kept does not change the kept copy', () => {
  const log = new DeltaLog(1024);
  const f = frame(7, 10);
  log.push(f);
  f.fill(0);
  assert.deepEqual(Buffer.from([...log.frames()][0]!), Buffer.from(frame(7, 10)));
});
