import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_KIND, decodeFrameHeader, encodeFrame, frameBody } from '../src/wire/index.ts';

test('a frame header says its kind, number, compression and delta stream; the body follows it', () => {
  const body = new Uint8Array([1, 2, 3]);
  for (const [compressed, stream] of [[false, 0], [true, 0], [true, 1]] as const) {
    const frame = encodeFrame(FRAME_KIND.DELTA, 70_000, body, compressed, stream);
    assert.deepEqual(decodeFrameHeader(frame), { kind: FRAME_KIND.DELTA, seq: 70_000, compressed, stream });
    assert.deepEqual([...frameBody(frame)], [1, 2, 3]);
  }
  // Frames made before the second stream existed read as before.
  assert.deepEqual(decodeFrameHeader(encodeFrame(FRAME_KIND.SNAPSHOT, 1, body, true)), { kind: FRAME_KIND.SNAPSHOT, seq: 1, compressed: true, stream: 0 });
  assert.equal(decodeFrameHeader(new Uint8Array([0x47, 0, 0, 0, 1])), null, 'an unknown kind');
});
