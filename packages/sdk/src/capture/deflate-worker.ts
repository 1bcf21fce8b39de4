// The body of a Web Worker (bundled apart as deflate-worker.js): the deltas' deflate stream
// (@tandem/protocol/frame-stream) runs here, off the customer's main thread, and pako with it is
// not in the capture bundle. Requests are answered one by one, in the order they came.
import { FrameDeflater } from '@tandem/protocol/frame-stream';
import type { DeflateRequest } from './delta-deflater.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<DeflateRequest>) => void) | null;
  postMessage(message: Uint8Array, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let deflater = new FrameDeflater();

scope.onmessage = ({ data }) => {
  if (data.op === 'start') {
    deflater = new FrameDeflater();
    deflater.startStream(data.json);
    return;
  }
  // A throw here reaches the page as the worker's `error` event: it stops using the worker.
  const piece = deflater.deflateDelta(data.json);
  // A piece may be a view on the stream's own buffer: send a copy of exactly its bytes.
  const out = piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength ? piece : piece.slice();
  scope.postMessage(out, [out.buffer]);
};
