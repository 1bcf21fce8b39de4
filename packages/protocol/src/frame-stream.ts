/**
 * Compression of the page stream, shared by both ends: `@tandem/protocol/frame-stream`.
 *
 * A compressed SNAPSHOT body is a complete raw-deflate stream of the snapshot's JSON, so either
 * end may use the browser's own (de)compression for it (fast on a big page, and off pako's cold
 * JIT on a console that just opened: bench, agent join). The DELTAS after it are the pieces of
 * one raw-deflate stream that starts with the snapshot's JSON as its preset dictionary, each piece
 * sync-flushed so it ends on a byte boundary and can be inflated as soon as it arrives. A delta
 * is mostly the same keys, node ids and text as the snapshot and the deltas before it, so it
 * compresses to a few bytes against that history, where a delta deflated on its own barely
 * shrinks (bench: bytes on the wire).
 *
 * The relay never reads bodies: it can forward, cache and replay frames as they are, because its
 * cache is exactly "the latest snapshot and every delta since", i.e. what a reader needs. A
 * reader that misses a delta cannot read the next ones and must start again from a snapshot.
 * Deflate cannot tell on its own: a piece read against the wrong history inflates to wrong text
 * without an error. So the inflater also checks the frames' sequence numbers and refuses any
 * piece that does not follow the one before.
 *
 * A page keeps TWO such delta streams against each snapshot, and a compressed delta's header says
 * which one it continues (FRAME_SECOND_STREAM): the first for deltas compressed off the page's main
 * thread (a worker), the second for small ones compressed at once, where a round trip to the
 * worker would cost the replica more time than the compression itself (bench: DOM change →
 * replica). Each stream is read in its own order; the frames' sequence numbers, shared by both,
 * still tell a reader that it missed a piece of either.
 *
 * pako for the deltas: the browser's streams can neither sync-flush nor take a preset dictionary.
 * The customer's page runs FrameDeflater in a Web Worker (packages/sdk/src/capture/delta-deflater.ts),
 * off its main thread; where its policy forbids workers it sends deltas uncompressed, which a
 * reader passes (pass()). (fflate 0.8.3, tried as a smaller encoder: its sync flush with a
 * dictionary produced pieces pako could not inflate after a dozen deltas, and it was slower.)
 */
import { Deflate, Inflate, Z_SYNC_FLUSH, deflateRaw, inflateRaw } from 'pako';
import { joinChunks } from './wire/chunks.ts';
import { MAX_INFLATED_FRAME_BYTES } from './wire/relay-frame.ts';

/** Deflate's window: only this much of a dictionary can ever be referred to. */
const WINDOW_BYTES = 32 * 1024;
const CHUNK_BYTES = 4096;

const dictionaryOf = (snapshotJson: Uint8Array) => snapshotJson.subarray(Math.max(0, snapshotJson.byteLength - WINDOW_BYTES));

/** The customer's page: one per capture connection. */
export class FrameDeflater {
  private stream: Deflate | null = null;
  private readonly out: Uint8Array[] = [];

  /**
   * A snapshot was taken: the deltas after it compress against it. The snapshot's own body is
   * compressed apart, by deflateSnapshot() or the browser's CompressionStream('deflate-raw').
   */
  startStream(snapshotJson: Uint8Array): void {
    this.stream = new Deflate({ raw: true, level: 6, chunkSize: CHUNK_BYTES, dictionary: dictionaryOf(snapshotJson) });
    this.stream.onData = (chunk) => this.out.push(chunk);
  }

  /** A snapshot body, compressed here (synchronously), and the stream its deltas continue. */
  deflateSnapshot(snapshotJson: Uint8Array): Uint8Array {
    this.startStream(snapshotJson);
    return deflateRaw(snapshotJson, { level: 6 });
  }

  /** The next delta's piece of the stream. */
  deflateDelta(json: Uint8Array): Uint8Array {
    // Deltas before any snapshot: nobody can read them, but they still must not throw.
    if (!this.stream) this.startStream(new Uint8Array(0));
    const stream = this.stream!;
    if (!stream.push(json, Z_SYNC_FLUSH)) throw new Error(`deflate failed: ${stream.msg}`);
    return joinChunks(this.out.splice(0));
  }

  /** deflateSnapshot or deflateDelta by frame kind. */
  deflate(json: Uint8Array, snapshot: boolean): Uint8Array {
    return snapshot ? this.deflateSnapshot(json) : this.deflateDelta(json);
  }
}

export class FrameInflateError extends Error {}

export { MAX_INFLATED_FRAME_BYTES };

/** A reader (agent console, test harness): one per page stream it reads. */
export class FrameInflater {
  // The page's two delta streams (see above), opened when their first piece comes.
  private readonly streams: [Inflate | null, Inflate | null] = [null, null];
  // What both streams start from: the end of the latest snapshot; null while no piece is readable
  // (before a snapshot, or after a missed or corrupt frame).
  private dictionary: Uint8Array | null = null;
  private out: Uint8Array[] = [];
  private size = 0;
  private lastSeq = 0;

  constructor(readonly maxBytes = MAX_INFLATED_FRAME_BYTES) {}

  /**
   * Snapshot frame `seq`, inflated elsewhere (the browser's DecompressionStream): the deltas after
   * it are read against it.
   */
  startStream(snapshotJson: Uint8Array, seq: number): void {
    // A copy: the snapshot's whole text need not stay alive for its last 32 KiB.
    this.dictionary = dictionaryOf(snapshotJson).slice();
    this.streams[0] = null;
    this.streams[1] = null;
    this.lastSeq = seq;
  }

  /** Snapshot frame `seq`, inflated here (synchronously); the deltas after it are read against it. */
  inflateSnapshot(piece: Uint8Array, seq: number): Uint8Array {
    this.reset();
    let json: Uint8Array;
    try {
      json = inflateRaw(piece);
    } catch (err) {
      throw new FrameInflateError(`inflate failed: ${(err as Error).message}`);
    }
    // pako reports a corrupt stream by returning undefined rather than throwing.
    if (!(json instanceof Uint8Array)) throw new FrameInflateError('inflate failed: corrupt snapshot');
    if (json.byteLength > this.maxBytes) throw new FrameInflateError('inflated frame too large');
    this.startStream(json, seq);
    return json;
  }

  /**
   * Delta frame `seq`'s piece of delta stream `stream` (0 or 1, from its header). Throws
   * FrameInflateError when it does not follow the frame before (one was missed), is corrupt or
   * too large; both streams are then unusable until the next snapshot.
   */
  inflateDelta(piece: Uint8Array, seq: number, stream: 0 | 1 = 0): Uint8Array {
    if (!this.dictionary) throw new FrameInflateError('a delta arrived before its snapshot');
    if (seq !== this.lastSeq + 1) {
      this.reset();
      throw new FrameInflateError(`frame ${seq} does not follow frame ${this.lastSeq}`);
    }
    this.lastSeq = seq;
    this.out = [];
    this.size = 0;
    const inflate = (this.streams[stream] ??= this.open(this.dictionary));
    const ok = inflate.push(piece, Z_SYNC_FLUSH);
    if (!ok || inflate.err || this.size > this.maxBytes) {
      this.reset();
      throw new FrameInflateError(this.size > this.maxBytes ? 'inflated frame too large' : `inflate failed: ${inflate.msg || 'corrupt stream'}`);
    }
    return joinChunks(this.out.splice(0));
  }

  /** inflateSnapshot or inflateDelta by frame kind. */
  inflate(piece: Uint8Array, seq: number, snapshot: boolean, stream: 0 | 1 = 0): Uint8Array {
    return snapshot ? this.inflateSnapshot(piece, seq) : this.inflateDelta(piece, seq, stream);
  }

  /**
   * Frame `seq` came uncompressed: it is not part of either stream, but the next piece must follow
   * it. An uncompressed snapshot starts the streams like any other.
   */
  pass(json: Uint8Array, seq: number, snapshot: boolean): void {
    if (snapshot) return this.startStream(json, seq);
    if (seq !== this.lastSeq + 1) this.reset();
    this.lastSeq = seq;
  }

  /** The JSON of a snapshot or delta body as it came: inflated when compressed, else passed. */
  read(body: Uint8Array, seq: number, snapshot: boolean, compressed: boolean, stream: 0 | 1 = 0): Uint8Array {
    if (compressed) return this.inflate(body, seq, snapshot, stream);
    this.pass(body, seq, snapshot);
    return body;
  }

  /** Forget the streams (e.g. the page reconnected): the next piece must start them. */
  reset(): void {
    this.dictionary = null;
    this.streams[0] = null;
    this.streams[1] = null;
  }

  private open(dictionary: Uint8Array): Inflate {
    const stream = new Inflate({ raw: true, chunkSize: CHUNK_BYTES, dictionary });
    stream.onData = (chunk) => {
      this.size += chunk.byteLength;
      // Keep counting but stop keeping once over the limit: inflateDelta() throws after the push.
      if (this.size <= this.maxBytes) this.out.push(chunk);
    };
    return stream;
  }
}

export { joinChunks };
