// Bytes that come in pieces (a response body, a decompressor's output), read by the page (the
// assets it sends), the console (the snapshots it inflates) and the server (the assets it fetches
// for the console): one way to join them, and one way to stop reading at a size limit.

/** The chunks as one array (the only chunk itself, when there is one). */
export function joinChunks(chunks: Uint8Array[]): Uint8Array {
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

/** A byte stream's reader, as the browser's and Node's ReadableStream give one (this folder takes no DOM or Node types). */
export interface ByteReader {
  read(): Promise<{ done: true; value?: Uint8Array } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
}

/**
 * A stream read to its end, or null as soon as it passes `maxBytes`: the stream is then cancelled,
 * so a sender cannot make the reader hold more than the limit and one chunk.
 */
export async function readCapped(reader: ByteReader, maxBytes: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a source that never settles its cancel must not hold the reader up.
      reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return joinChunks(chunks);
}
