// Where a captured page sends its frames in these tests: a local `ws` server that keeps every
// byte it received (for "nothing leaked" checks) and, like the relay will, gives a viewer the
// latest snapshot plus the deltas since, then the live stream. Replaced by the real relay later.
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { FRAME_KIND, decodeFrameHeader, frameBody } from '@tandem/protocol';
import { inflateRawSync } from 'node:zlib';

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

/** A frame in the relay's wire format: 5-byte header, body deflated when flagged. */
export function decodeRelayFrame(data: Buffer): { kind: 'snapshot' | 'delta' | 'pointer'; seq: number; bytes: Buffer } {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const header = decodeFrameHeader(bytes);
  if (!header || header.kind === FRAME_KIND.CONTROL_RESULT) throw new Error('not a page frame');
  const body = Buffer.from(frameBody(bytes));
  const kind = header.kind === FRAME_KIND.SNAPSHOT ? 'snapshot' : header.kind === FRAME_KIND.DELTA ? 'delta' : 'pointer';
  return { kind, seq: header.seq, bytes: header.compressed ? inflateRawSync(body) : body };
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
    socket.on('message', (data: Buffer) => {
      const body = decodeRelayFrame(data);
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
