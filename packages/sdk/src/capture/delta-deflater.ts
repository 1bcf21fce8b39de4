// The page's side of the larger deltas' deflate stream (small ones: delta-frames.ts): a Web Worker
// runs it (deflate-worker.ts), so a burst of mutations does not spend the customer's main thread
// on pako (≈ 110 ms of a 3 s burst on a 10,000-element page; bench: capture cost). The worker's
// script comes from beside the capture bundle and runs from a blob: URL (a worker must be
// same-origin with the page). Where the page's Content-Security-Policy forbids that, or the script
// cannot be fetched, those deltas go uncompressed: the wire format allows it (the reader passes
// them), sharing works, only bytes grow.

/** What the page asks the worker: a new stream (after a snapshot) or a delta's piece of it. */
export type DeflateRequest = { op: 'start'; json: Uint8Array } | { op: 'delta'; json: Uint8Array };

export interface DeltaDeflater {
  /** A snapshot was taken (empty: a connection starts): the deltas after it compress against it. */
  start(snapshotJson: Uint8Array): void;
  /** The delta's piece of the stream, or null when there is no worker: send it uncompressed. */
  deflate(json: Uint8Array): Promise<Uint8Array | null>;
  close(): void;
}

/** Deflate keeps only this much history: the worker needs no more of a snapshot. */
const WINDOW_BYTES = 32 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

export const DEFLATE_WORKER_URL = new URL('deflate-worker.js', import.meta.url).href;

export function openDeltaDeflater(scriptUrl = DEFLATE_WORKER_URL): DeltaDeflater {
  let failed = false;
  let worker: Worker | null = null;
  let scriptBlob = '';
  // The worker answers in order: the oldest unanswered request gets the next reply.
  const waiting: ((piece: Uint8Array | null) => void)[] = [];
  const fail = () => {
    failed = true;
    worker?.terminate();
    if (scriptBlob) URL.revokeObjectURL(scriptBlob);
    for (const resolve of waiting.splice(0)) resolve(null);
  };
  // Deltas wait for the worker: a script that does not come soon is given up on (uncompressed deltas).
  const giveUp = new AbortController();
  const slow = setTimeout(() => giveUp.abort(), FETCH_TIMEOUT_MS);
  const ready: Promise<Worker | null> = fetch(scriptUrl, { credentials: 'omit', signal: giveUp.signal })
    .then((res) => (res.ok ? res.text() : Promise.reject(new Error(`${res.status}`))))
    .then((source) => {
      if (failed) return null;
      scriptBlob = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const w = new Worker(scriptBlob);
      worker = w;
      w.onmessage = (event: MessageEvent<Uint8Array>) => waiting.shift()?.(event.data);
      // A policy that forbids the worker, or a throw inside it.
      w.onerror = (event) => {
        event.preventDefault();
        fail();
      };
      return w;
    })
    .catch(() => {
      fail();
      return null;
    })
    .finally(() => clearTimeout(slow));
  // Requests reach the worker in the order they were made (promise callbacks run in order).
  const post = (request: DeflateRequest) => void ready.then((w) => (w && !failed ? w.postMessage(request) : undefined));

  return {
    start(snapshotJson) {
      if (!failed) post({ op: 'start', json: snapshotJson.slice(Math.max(0, snapshotJson.byteLength - WINDOW_BYTES)) });
    },
    deflate(json) {
      if (failed) return Promise.resolve(null);
      return new Promise((resolve) => {
        waiting.push(resolve);
        post({ op: 'delta', json });
      });
    },
    close() {
      fail();
    },
  };
}
