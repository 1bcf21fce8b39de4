// Where a captured page sends its frames in these tests: a local `ws` server that keeps every
// byte it received (for "nothing leaked" checks) and, like the relay will, gives a viewer the
// latest snapshot plus the deltas since, then the live stream. Replaced by the real relay later.
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { FRAME_KIND, decodeFrameHeader, decodePointer, frameBody } from '@tandem/protocol';
import { FrameInflater } from '@tandem/protocol/frame-stream';

export interface SinkEvent {
  type: number;
  data: unknown;
  timestamp: number;
}

export interface SinkFrame {
  kind: 'snapshot' | 'delta';
  seq: number;
  events: SinkEvent[];
}

export interface FrameSink {
  captureUrl: string;
  viewUrl: string;
  // every frame body a capturing page sent, decompressed (what a leak check must search)
  received(): Buffer[];
  frames(): SinkFrame[];
  waitForMarker(tag: string, timeoutMs?: number): Promise<void>;
  requestSnapshot(): void;
  // Drop frames on the floor (a lossy link) to prove the replica recovers.
  setDropping(drop: (frame: SinkFrame) => boolean): void;
  close(): Promise<void>;
}

export interface DecodedFrame {
  kind: 'snapshot' | 'delta' | 'pointer';
  seq: number;
  bytes: Buffer;
}

/**
 * Frames of one socket in the relay's wire format: 5-byte header, and a body that is, when
 * flagged, the next piece of the page's deflate stream (so one decoder per socket, fed in order).
 */
export function relayFrameDecoder(): (data: Buffer) => DecodedFrame {
  const inflater = new FrameInflater();
  return (data) => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const header = decodeFrameHeader(bytes);
    if (!header || header.kind === FRAME_KIND.CONTROL_RESULT) throw new Error('not a page frame');
    const kind = header.kind === FRAME_KIND.SNAPSHOT ? 'snapshot' : header.kind === FRAME_KIND.DELTA ? 'delta' : 'pointer';
    const body = frameBody(bytes);
    // Pointer bodies are two int32s; shown as the JSON a test can compare.
    if (kind === 'pointer') return { kind, seq: header.seq, bytes: Buffer.from(JSON.stringify(decodePointer(body))) };
    return { kind, seq: header.seq, bytes: Buffer.from(inflater.read(body, header.seq, kind === 'snapshot', header.compressed, header.stream)) };
  };
}

export async function startFrameSink(): Promise<FrameSink> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;

  const raw: Buffer[] = [];
  const frames: SinkFrame[] = [];
  let sinceSnapshot: string[] = [];
  const captures = new Set<WebSocket>();
  const viewers = new Set<WebSocket>();
  const markerWaiters: Array<{ tag: string; resolve: () => void }> = [];
  const seenMarkers = new Set<string>();
  let drop: (frame: SinkFrame) => boolean = () => false;

  const requestSnapshot = () => {
    const message = JSON.stringify({ type: 'snapshot-request' });
    for (const socket of captures) socket.send(message);
  };

  server.on('connection', (socket, request) => {
    if (request.url === '/view') {
      viewers.add(socket);
      for (const text of sinceSnapshot) socket.send(text);
      socket.on('close', () => viewers.delete(socket));
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type?: string };
        if (message.type === 'snapshot-request') requestSnapshot();
      });
      return;
    }
    captures.add(socket);
    socket.on('close', () => captures.delete(socket));
    const decode = relayFrameDecoder();
    socket.on('message', (data: Buffer) => {
      const body = decode(data);
      raw.push(body.bytes);
      if (body.kind === 'pointer') return;
      const frame: SinkFrame = { kind: body.kind, seq: body.seq, events: JSON.parse(body.bytes.toString('utf8')) as SinkEvent[] };
      const text = JSON.stringify(frame);
      frames.push(frame);
      if (!drop(frame)) {
        if (frame.kind === 'snapshot') sinceSnapshot = [];
        sinceSnapshot.push(text);
        for (const viewer of viewers) viewer.send(text);
      }
      for (const event of frame.events) {
        if (event.type !== 5) continue;
        const tag = (event.data as { tag: string }).tag;
        seenMarkers.add(tag);
        for (const waiter of markerWaiters.filter((w) => w.tag === tag)) waiter.resolve();
      }
    });
  });

  return {
    captureUrl: `ws://127.0.0.1:${port}/capture`,
    viewUrl: `ws://127.0.0.1:${port}/view`,
    received: () => raw.slice(),
    frames: () => frames.slice(),
    waitForMarker(tag, timeoutMs = 10_000) {
      if (seenMarkers.has(tag)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`marker ${tag} not received in ${timeoutMs} ms`)), timeoutMs);
        markerWaiters.push({
          tag,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    requestSnapshot,
    setDropping(fn) {
      drop = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
