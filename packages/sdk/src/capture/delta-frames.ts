// Which of the two deflate streams a delta goes through (@tandem/protocol/frame-stream). A small
// delta (a keystroke, a text that changed) is compressed at once, here on the main thread: pako
// takes some 30 µs of CPU for it, where the round trip to the worker (a postMessage each way, and
// the worker's thread waking up) held every change back by 3.3 ms at the median, 19 ms at p90, on
// a busy 2-core machine (bench: DOM change → replica). A larger delta (a burst of mutations) still
// goes to the worker, whose point is to keep that work off the customer's main thread (bench:
// capture cost). Each stream compresses against the snapshot and the deltas it carried itself.
// Until the inline deflater has loaded, or where it cannot load, every delta takes the worker's
// path as before: compressed there, or uncompressed when the page has no worker either.
import { FRAME_KIND, encodeFrame } from '@tandem/protocol/wire';
import type { FrameDeflater } from '@tandem/protocol/frame-stream';
import { openDeltaDeflater, DEFLATE_WORKER_URL } from './delta-deflater.ts';

/** Deltas up to this many bytes of JSON are compressed at once; the capture-cost burst's are ~5 KiB. */
export const INLINE_MAX_BYTES = 2048;
/** Deflate keeps only this much history: the inline stream needs no more of a snapshot. */
const WINDOW_BYTES = 32 * 1024;

export const INLINE_DEFLATE_URL = new URL('inline-deflate.js', import.meta.url).href;

type Deflaters = { FrameDeflater: new () => FrameDeflater };

// One import for the page: a share that restarts keeps what was loaded.
const loads = new Map<string, Promise<Deflaters | null>>();
function loadInlineDeflater(url: string): Promise<Deflaters | null> {
  let load = loads.get(url);
  if (!load) {
    // A page whose policy refuses the script, or a network that drops it: the worker's path stays.
    load = (import(/* @vite-ignore */ url) as Promise<Deflaters>).then((m) => (typeof m.FrameDeflater === 'function' ? m : null), () => null);
    loads.set(url, load);
  }
  return load;
}

export interface DeltaFrames {
  /** A snapshot was taken (empty: a connection starts): both streams start against it. */
  start(snapshotJson: Uint8Array): void;
  /** Delta frame `seq`: made at once when small, else when the worker has compressed it. */
  frame(seq: number, json: Uint8Array): Uint8Array | Promise<Uint8Array>;
  close(): void;
}

export function openDeltaFrames(urls: { worker?: string; inline?: string } = {}): DeltaFrames {
  const worker = openDeltaDeflater(urls.worker ?? DEFLATE_WORKER_URL);
  let Deflater: Deflaters['FrameDeflater'] | null = null;
  void loadInlineDeflater(urls.inline ?? INLINE_DEFLATE_URL).then((m) => (Deflater = m?.FrameDeflater ?? null));
  // The inline stream is made at its first delta (most snapshots are followed by some): until
  // then only the end of the snapshot is kept.
  let inline: FrameDeflater | null = null;
  let dictionary = new Uint8Array(0);

  const inlineFrame = (seq: number, json: Uint8Array): Uint8Array | null => {
    if (!Deflater || json.byteLength > INLINE_MAX_BYTES) return null;
    try {
      if (!inline) {
        inline = new Deflater();
        inline.startStream(dictionary);
      }
      return encodeFrame(FRAME_KIND.DELTA, seq, inline.deflateDelta(json), true, 1);
    } catch {
      // Its state is unknown now (nothing of it was sent): the worker's path from here on.
      Deflater = null;
      inline = null;
      return null;
    }
  };

  return {
    start(snapshotJson) {
      worker.start(snapshotJson);
      // A copy: the snapshot's whole text need not stay alive for its last 32 KiB.
      dictionary = snapshotJson.slice(Math.max(0, snapshotJson.byteLength - WINDOW_BYTES));
      inline = null;
    },
    frame(seq, json) {
      return inlineFrame(seq, json) ?? worker.deflate(json).then((piece) =>
        // Without a worker (the page's policy forbids one) the delta goes as it is; the reader passes it.
        piece ? encodeFrame(FRAME_KIND.DELTA, seq, piece, true, 0) : encodeFrame(FRAME_KIND.DELTA, seq, json, false));
    },
    close() {
      worker.close();
      inline = null;
      Deflater = null;
    },
  };
}
