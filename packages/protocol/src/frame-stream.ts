/**
 * Compression of the page stream, shared by both ends: `@tandem/protocol/frame-stream`.
 *
 * The page's snapshot and delta bodies form ONE raw-deflate stream per snapshot: a snapshot frame
 * starts a new stream, and every delta after it is the next piece of that stream, sync-flushed so
 * that it ends on a byte boundary and can be inflated as soon as it arrives. A delta is mostly the
 * same JSON keys and node ids as the frames before it, so it compresses to a few bytes against
 * that history, where a delta deflated on its own barely shrinks (bench: bytes on the wire).
 *
 * The relay never reads bodies: it can forward, cache and replay frames as they are, because its
 * cache is exactly "the latest snapshot and every delta since", i.e. one whole stream. A receiver
 * that misses a piece cannot read the next ones and must start again from a snapshot. Deflate
 * cannot tell on its own: a piece read against the wrong history inflates to wrong text without
 * an error. So the inflater also checks the frames' sequence numbers and refuses any piece that
 * does not follow the one before.
 *
 * pako rather than CompressionStream: the browser's streams cannot sync-flush, and pako's
 * synchronous calls (≈ 10 µs for a small delta) keep frames in order without a promise chain.
 */
import { Deflate, Inflate, Z_SYNC_FLUSH } from 'pako';

/** The customer's page: one per capture connection. */
export class FrameDeflater {
  private stream: Deflate | null = null;
  private readonly out: Uint8Array[] = [];

  /**
   * Deflates the body of the next frame. `startsStream` for a snapshot: the receiver starts a new
   * inflater there, so the history of the previous stream is dropped on both sides.
   */
  deflate(body: Uint8Array, startsStream: boolean): Uint8Array {
    if (startsStream || !this.stream) {
      this.stream = new Deflate({ raw: true, level: 6, chunkSize: 4096 });
      this.stream.onData = (chunk) => this.out.push(chunk);
    }
    if (!this.stream.push(body, Z_SYNC_FLUSH)) throw new Error(`deflate failed: ${this.stream.msg}`);
    return joinChunks(this.out.splice(0));
  }
}

export class FrameInflateError extends Error {}

/** Inflated bodies larger than this are refused: a page could otherwise send a deflate bomb. */
export const MAX_INFLATED_FRAME_BYTES = 64 * 1024 * 1024;

/** A receiver (agent console, test harness): one per page stream it reads. */
export class FrameInflater {
  private stream: Inflate | null = null;
  private out: Uint8Array[] = [];
  private size = 0;
  private lastSeq = 0;

  constructor(private readonly maxBytes = MAX_INFLATED_FRAME_BYTES) {}

  /**
   * Inflates the piece of frame `seq`. `startsStream` for a snapshot frame. Throws
   * FrameInflateError when the piece does not follow the one before (a frame was missed), is
   * corrupt or too large; the stream is then unusable until the next snapshot.
   */
  inflate(piece: Uint8Array, seq: number, startsStream: boolean): Uint8Array {
    if (startsStream) this.stream = this.open();
    const stream = this.stream;
    if (!stream) throw new FrameInflateError('a delta arrived before its snapshot');
    if (!startsStream && seq !== this.lastSeq + 1) {
      this.stream = null;
      throw new FrameInflateError(`frame ${seq} does not follow frame ${this.lastSeq}`);
    }
    this.lastSeq = seq;
    this.out = [];
    this.size = 0;
    const ok = stream.push(piece, Z_SYNC_FLUSH);
    if (!ok || stream.err || this.size > this.maxBytes) {
      this.stream = null;
      throw new FrameInflateError(this.size > this.maxBytes ? 'inflated frame too large' : `inflate failed: ${stream.msg || 'corrupt stream'}`);
    }
    return joinChunks(this.out.splice(0));
  }

  /**
   * Frame `seq` came uncompressed: it is not part of the stream, but the next piece must follow it.
   * An uncompressed snapshot ends the stream.
   */
  pass(seq: number, snapshot: boolean): void {
    if (snapshot || seq !== this.lastSeq + 1) this.stream = null;
    this.lastSeq = seq;
  }

  /** Forget the stream (e.g. the page reconnected): the next piece must start one. */
  reset(): void {
    this.stream = null;
  }

  private open(): Inflate {
    const stream = new Inflate({ raw: true, chunkSize: 4096 });
    stream.onData = (chunk) => {
      this.size += chunk.byteLength;
      // Keep counting but stop keeping once over the limit: inflate() throws after the push.
      if (this.size <= this.maxBytes) this.out.push(chunk);
    };
    return stream;
  }
}

function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let n = 0;
  for (const c of chunks) n += c.byteLength;
  const all = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return all;
}
