// The page's end of the live relay (`/v1/capture`): auth with the capture token, then binary
// frames (5-byte header from the protocol; a snapshot deflated whole by the browser, the deltas
// after it as pieces of deflate streams against it, small ones made at once and larger ones in a
// worker: delta-frames.ts, see @tandem/protocol/frame-stream). Each connection
// numbers its frames from 1 and starts with a full snapshot; a dropped connection reconnects.
import { CloseCode, FRAME_KIND, encodeFrame, encodePointer, reconnectDelay } from '@tandem/protocol/wire';
import { openDeltaFrames } from './delta-frames.ts';
import { deflateNative } from './native-deflate.ts';
import type { CaptureClientMessage, CaptureServerMessage } from '@tandem/protocol';
import { platform } from '../pristine-platform.ts';

// Close codes that end the share for this page: trying again cannot help.
const FINAL_CLOSES = new Map<number, string>([
  [CloseCode.SESSION_ENDED, 'session_ended'],
  [CloseCode.UNAUTHORIZED, 'unauthorized'],
  [CloseCode.REPLACED, 'replaced'],
]);

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

export function openRelayStream(o: RelayStreamOptions): RelayStream {
  const url = `${o.server.replace(/^http/, 'ws')}/v1/capture`;
  let ws: WebSocket | null = null;
  let live = false;
  let seq = 0;
  let attempt = 0;
  let over = false;
  let connections = 0;
  // One worker for the page; each connection starts its streams afresh (what the relay caches and
  // replays is this connection's stream).
  const deltas = openDeltaFrames();
  // While a frame is being compressed (asynchronously), the frames after it wait behind it.
  let pending: Promise<void> | null = null;

  const sendInOrder = (frame: Uint8Array | Promise<Uint8Array>) => {
    const socket = ws;
    if (!pending && frame instanceof Uint8Array) return socket ? platform.send(socket, frame) : undefined;
    const next: Promise<void> = (pending ?? Promise.resolve())
      .then(() => frame)
      // A frame made for a connection that has since closed is dropped: the next one starts over.
      .then((bytes) => (ws === socket && live && socket ? platform.send(socket, bytes) : undefined))
      .catch(() => undefined)
      .then(() => {
        if (pending === next) pending = null;
      });
    pending = next;
  };

  const finish = (reason: string) => {
    if (over) return;
    over = true;
    live = false;
    ws?.close(1000);
    deltas.close();
    o.onEnded(reason);
  };

  const connect = () => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    socket.onopen = () => {
      platform.send(socket, platform.stringify({ type: 'auth', token: o.token, resume: o.resume || connections > 0 }));
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
        seq = 0;
        deltas.start(new Uint8Array(0));
        pending = null;
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
      const final = FINAL_CLOSES.get(event.code);
      if (final) return finish(final);
      o.onReconnecting();
      setTimeout(() => !over && connect(), reconnectDelay(attempt++));
    };
  };
  connect();

  return {
    sendEvents(kind, events) {
      // Not connected: nothing is queued, the next connection starts from a fresh snapshot.
      if (!live || !ws || over) return;
      const json = encoder.encode(platform.stringify(events));
      const frameSeq = ++seq;
      if (kind === 'snapshot') {
        // The deltas after it are compressed against it (in order).
        deltas.start(json);
        // Should the browser fail to deflate it, the snapshot goes as it is: its deltas still follow.
        sendInOrder(deflateNative(json).then(
          (body) => encodeFrame(FRAME_KIND.SNAPSHOT, frameSeq, body, true),
          () => encodeFrame(FRAME_KIND.SNAPSHOT, frameSeq, json, false),
        ));
      } else {
        // A small delta's frame is made at once and, with nothing before it still being made, sent at once.
        sendInOrder(deltas.frame(frameSeq, json));
      }
    },
    sendPointer(x, y) {
      if (live && ws) platform.send(ws, encodePointer(x, y));
    },
    sendJson(message) {
      if (live && ws) platform.send(ws, platform.stringify(message));
    },
    close() {
      over = true;
      // What was captured before the close is still being compressed: it goes first.
      const socket = ws;
      const done = () => {
        live = false;
        socket?.close(1000);
        deltas.close();
      };
      if (pending) void pending.then(done);
      else done();
    },
  };
}
