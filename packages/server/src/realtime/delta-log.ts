const EMPTY = new Uint8Array(0);
/** The first buffer of a log: a few typical deltas, so that most sessions grow it only a few times. */
const FIRST_CAPACITY = 16 * 1024;

/**
 * The deltas a relay keeps after its snapshot, copied back to back into one buffer that grows by
 * doubling (up to `maxBytes`), with their end offsets in a packed array of small integers.
 *
 * Why not an array of the received frames: each kept frame is a heap object that outlives the
 * young generation, so thousands of streaming sessions had the collector copy and promote one
 * object per relayed frame, and the old generation grow by it until a full collection. A copy
 * of a few hundred bytes into a buffer that is already there costs less than that.
 *
 * A buffer is never written again where it was written once, and `clear()` lets go of it rather
 * than reusing it: views handed out by `frames()` may still be queued in a socket.
 */
export class DeltaLog {
  private buf: Uint8Array = EMPTY;
  private readonly ends: number[] = [];
  private used = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of the deltas kept (not the buffer's capacity, which is at most `maxBytes`). */
  get byteLength(): number {
    return this.used;
  }

  get count(): number {
    return this.ends.length;
  }

  /** Keeps a copy of `frame`; the caller checks `byteLength + frame.byteLength <= maxBytes` first. */
  push(frame: Uint8Array) {
    const end = this.used + frame.byteLength;
    if (end > this.buf.byteLength) {
      let capacity = Math.max(FIRST_CAPACITY, this.buf.byteLength * 2);
      while (capacity < end) capacity *= 2;
      // Never past maxBytes unless this one frame needs it.
      const grown = new Uint8Array(Math.min(capacity, Math.max(this.maxBytes, end)));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.buf.set(frame, this.used);
    this.ends.push(end);
    this.used = end;
  }

  /** The deltas in order, as views into the log's buffer. */
  *frames(): Generator<Uint8Array> {
    let start = 0;
    for (const end of this.ends) {
      yield this.buf.subarray(start, end);
      start = end;
    }
  }

  clear() {
    this.buf = EMPTY;
    this.ends.length = 0;
    this.used = 0;
  }
}
