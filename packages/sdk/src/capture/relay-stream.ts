// The page's end of the live relay (`/v1/capture`): auth with the capture token, then binary
// frames (5-byte header from the protocol, body deflated in the browser). Each connection numbers
// its frames from 1 and starts with a full snapshot; a dropped connection reconnects with backoff.
import { FRAME_KIND, encodeFrame } from '@tandem/protocol';
import type { CaptureClientMessage, CaptureServerMessage } from '@tandem/protocol';

const BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 15000];
// Bodies smaller than this are sent as they are: deflate would not make them smaller.
const COMPRESS_FROM_BYTES = 128;
// Deltas smaller than this are sent as they are too: CompressionStream is asynchronous and costs
// ~1 ms on each side (DecompressionStream in the console) at the median and several at p99, which
// is most of a small DOM change's latency, for ~60 bytes saved (bench: DOM change → replica).
const COMPRESS_DELTA_FROM_BYTES = 1024;
const CLOSE_SESSION_ENDED = 4007;
const CLOSE_UNAUTHORIZED = 4008;
const CLOSE_REPLACED = 4009;

export interface RelayStreamOptions {
  server: string;
  token: string;
  resume: boolean;
  onReady(info: { agentName: string; control: boolean }): void;
  onMessage(message: CaptureServerMessage): void;
  /** The session is over for this page: ended, refused, or taken over by a newer page. */
  onEnded(reason: string): void;
  onReconnecting(): void;
}

export interface RelayStream {
  sendEvents(kind: 'snapshot' | 'delta', events: unknown[]): void;
  sendPointer(x: number, y: number): void;
  sendJson(message: CaptureClientMessage): void;
  close(): void;
}

const encoder = new TextEncoder();

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function openRelayStream(o: RelayStreamOptions): RelayStream {
  const url = `${o.server.replace(/^http/, 'ws')}/v1/capture`;
  let ws: WebSocket | null = null;
  let live = false;
  let epoch = 0;
  let seq = 0;
  let attempt = 0;
  let over = false;
  let connections = 0;
  // Compression is asynchronous; frames still leave in the order they were made.
  let chain: Promise<void> = Promise.resolve();

  const finish = (reason: string) => {
    if (over) return;
    over = true;
    live = false;
    ws?.close(1000);
    o.onEnded(reason);
  };

  const connect = () => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'auth', token: o.token, resume: o.resume || connections > 0 }));
      connections++;
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let m: CaptureServerMessage;
      try {
        m = JSON.parse(event.data) as CaptureServerMessage;
      } catch {
        return;
      }
      if (m.type === 'ready') {
        attempt = 0;
        epoch++;
        seq = 0;
        live = true;
        o.onReady({ agentName: m.agentName, control: m.control });
      } else if (m.type === 'session.ended') {
        finish(m.reason);
      } else {
        o.onMessage(m);
      }
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      live = false;
      ws = null;
      if (over) return;
      if (event.code === CLOSE_SESSION_ENDED) return finish('session_ended');
      if (event.code === CLOSE_UNAUTHORIZED) return finish('unauthorized');
      if (event.code === CLOSE_REPLACED) return finish('replaced');
      o.onReconnecting();
      const delay = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]!;
      setTimeout(() => !over && connect(), delay * (0.75 + Math.random() / 2));
    };
  };
  connect();

  return {
    sendEvents(kind, events) {
      // Not connected: nothing is queued, the next connection starts from a fresh snapshot.
      if (!live) return;
      const frameEpoch = epoch;
      const frameSeq = ++seq;
      const body = encoder.encode(JSON.stringify(events));
      const frameKind = kind === 'snapshot' ? FRAME_KIND.SNAPSHOT : FRAME_KIND.DELTA;
      chain = chain.then(async () => {
        const compress = body.byteLength >= (frameKind === FRAME_KIND.DELTA ? COMPRESS_DELTA_FROM_BYTES : COMPRESS_FROM_BYTES);
        const out = compress ? await deflate(body) : body;
        if (frameEpoch === epoch && live && ws) ws.send(encodeFrame(frameKind, frameSeq, out, compress));
      }).catch(() => undefined);
    },
    sendPointer(x, y) {
      if (live && ws) ws.send(encodeFrame(FRAME_KIND.POINTER, 0, encoder.encode(JSON.stringify({ x: Math.round(x), y: Math.round(y) }))));
    },
    sendJson(message) {
      if (live && ws) ws.send(JSON.stringify(message));
    },
    close() {
      over = true;
      live = false;
      ws?.close(1000);
    },
  };
}
