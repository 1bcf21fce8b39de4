import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync, constants } from 'node:zlib';
import { FrameDeflater, FrameInflateError, FrameInflater } from './frame-stream.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const delta = (i: number) =>
  enc.encode(JSON.stringify([{ type: 3, data: { source: 5, text: '*'.repeat(i % 40), isChecked: false, id: 48 }, timestamp: 1795613799078 + i }]));
const snapshot = (n: number) => enc.encode(
  JSON.stringify([{ type: 2, data: { node: Array.from({ length: n }, (_, i) => ({ id: i, tagName: 'td', textContent: `cell ${i}` })) }, timestamp: 1 }]));

test('a snapshot and its deltas round-trip piece by piece, each readable as soon as it arrives', () => {
  const d = new FrameDeflater();
  const r = new FrameInflater();
  const bodies = [snapshot(500), ...Array.from({ length: 200 }, (_, i) => delta(i))];
  bodies.forEach((b, i) => assert.equal(dec.decode(r.inflate(d.deflate(b, i === 0), i + 1, i === 0)), dec.decode(b)));
});

test('deltas compressed against the stream are a fraction of their size (what a lone deflate cannot do)', () => {
  const d = new FrameDeflater();
  d.deflate(snapshot(50), true);
  let raw = 0;
  let sent = 0;
  for (let i = 0; i < 300; i++) {
    const b = delta(i);
    raw += b.byteLength;
    sent += d.deflate(b, false).byteLength;
  }
  assert.ok(sent < raw * 0.25, `deltas ${sent} of ${raw} bytes`);
});

test('standard raw deflate: zlib reads a snapshot, and its deltas with the snapshot as dictionary', () => {
  const d = new FrameDeflater();
  const snap = snapshot(3000); // longer than deflate's 32 KiB window
  const deltas = [delta(1), delta(2), delta(3)];
  assert.equal(inflateRawSync(d.deflateSnapshot(snap)).toString(), dec.decode(snap));
  const pieces = deltas.map((b) => d.deflateDelta(b));
  const all = inflateRawSync(Buffer.concat(pieces), { finishFlush: constants.Z_SYNC_FLUSH, dictionary: snap.subarray(snap.byteLength - 32 * 1024) });
  assert.equal(all.toString(), deltas.map((b) => dec.decode(b)).join(''));
});

test('a snapshot the browser compressed (CompressionStream) starts the same stream', async () => {
  const d = new FrameDeflater();
  const r = new FrameInflater();
  const snap = snapshot(400);
  d.startStream(snap);
  const native = new Uint8Array(await new Response(new Blob([snap]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  const pieces = [d.deflateDelta(delta(7)), d.deflateDelta(delta(8))];
  assert.equal(dec.decode(r.inflateSnapshot(native, 1)), dec.decode(snap));
  assert.equal(dec.decode(r.inflateDelta(pieces[0]!, 2)), dec.decode(delta(7)));
  assert.equal(dec.decode(r.inflateDelta(pieces[1]!, 3)), dec.decode(delta(8)));
  // And a reader that inflated the snapshot itself hands it over with startStream.
  const r2 = new FrameInflater();
  r2.startStream(snap, 1);
  assert.equal(dec.decode(r2.inflateDelta(pieces[0]!, 2)), dec.decode(delta(7)));
});

test('a new snapshot starts a new stream: a receiver that joins there reads it without the earlier pieces', () => {
  const d = new FrameDeflater();
  d.deflate(snapshot(100), true);
  d.deflate(delta(1), false);
  const late = new FrameInflater();
  const snap = snapshot(120);
  assert.equal(dec.decode(late.inflate(d.deflate(snap, true), 3, true)), dec.decode(snap));
  assert.equal(dec.decode(late.inflate(d.deflate(delta(2), false), 4, false)), dec.decode(delta(2)));
});

test('a missed piece is refused, and so is every piece after it until the next snapshot', () => {
  const d = new FrameDeflater();
  const r = new FrameInflater();
  r.inflate(d.deflate(snapshot(100), true), 1, true);
  d.deflate(delta(1), false); // frame 2, lost on the way
  const third = d.deflate(delta(2), false);
  assert.throws(() => r.inflate(third, 3, false), /does not follow frame 1/);
  // Read against the wrong history, deflate would not fail: the sequence check is what protects.
  assert.throws(() => r.inflate(d.deflate(delta(3), false), 4, false), FrameInflateError);
  const snap = snapshot(10);
  assert.equal(dec.decode(r.inflate(d.deflate(snap, true), 5, true)), dec.decode(snap));
  assert.throws(() => new FrameInflater().inflate(third, 3, false), /before its snapshot/);
});

test('garbage and deflate bombs are refused with FrameInflateError', () => {
  const r = new FrameInflater(1024 * 1024);
  assert.throws(() => r.inflate(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x12, 0x34]), 1, true), FrameInflateError);
  const bomb = new FrameDeflater().deflate(new Uint8Array(8 * 1024 * 1024), true);
  assert.ok(bomb.byteLength < 16 * 1024);
  assert.throws(() => r.inflate(bomb, 1, true), /too large/);
});

/** The page's two delta streams and the console's reader, all started on one snapshot (frame 1). */
function twoStreams(snapshotItems: number) {
  const snap = snapshot(snapshotItems);
  const first = new FrameDeflater();
  const second = new FrameDeflater();
  first.startStream(snap);
  second.startStream(snap);
  const r = new FrameInflater();
  r.startStream(snap, 1);
  return { first, second, r };
}

test('two delta streams against one snapshot interleave: each piece is read from its own stream, in frame order', () => {
  const { first, second, r } = twoStreams(300);
  for (let seq = 2; seq < 60; seq++) {
    const stream = seq % 3 === 0 ? 0 : 1;
    const piece = (stream === 0 ? first : second).deflateDelta(delta(seq));
    assert.equal(dec.decode(r.read(piece, seq, false, true, stream)), dec.decode(delta(seq)));
  }
  // An uncompressed delta between them belongs to neither; the next piece of each still reads.
  r.read(delta(60), 60, false, false);
  assert.equal(dec.decode(r.inflateDelta(first.deflateDelta(delta(61)), 61, 0)), dec.decode(delta(61)));
  assert.equal(dec.decode(r.inflateDelta(second.deflateDelta(delta(62)), 62, 1)), dec.decode(delta(62)));
});

test('a missed piece of either stream stops both until the next snapshot', () => {
  const { first, second, r } = twoStreams(50);
  r.inflateDelta(first.deflateDelta(delta(2)), 2, 0);
  second.deflateDelta(delta(3)); // frame 3, of the second stream, lost on the way
  assert.throws(() => r.inflateDelta(first.deflateDelta(delta(4)), 4, 0), /does not follow frame 2/);
  assert.throws(() => r.inflateDelta(second.deflateDelta(delta(5)), 5, 1), /before its snapshot/);
});
