// A plain WebSocket carrying frames in the relay's wire format (protocol header, deflate-stream body),
// for the test sink in e2e/ that stands in for the relay. The real relay connection, with auth
// and reconnects, is relay-stream.ts.
import { FRAME_KIND, encodeFrame } from '@tandem/protocol/wire';
import { openDeltaFrames } from './delta-frames.ts';
import { deflateNative } from './native-deflate.ts';
import type { CaptureFrame, FrameTransport } from './frame-transport.ts';
import { platform } from '../pristine-platform.ts';

// Messages a receiver may send back on the same socket.
interface ReceiverMessage {
  type: 'snapshot-request' | 'snapshot.request';
}

function isReceiverMessage(value: unknown): value is ReceiverMessage {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : null;
  return type === 'snapshot-request' || type === 'snapshot.request';
}

export function webSocketTransport(url: string): FrameTransport {
  const socket = new WebSocket(url);
  // Frames produced before the socket opens (the first snapshot, always) wait here, in order.
  const pending: Uint8Array[] = [];
  const snapshotListeners: Array<() => void> = [];
  // Snapshots by the browser's deflate, deltas at once or in a worker (see relay-stream.ts): frames
  // are sent through one chain, in order.
  const deltas = openDeltaFrames();
  let chain: Promise<void> = Promise.resolve();
  const encoder = new TextEncoder();
  socket.addEventListener('open', () => {
    for (const frame of pending.splice(0)) platform.send(socket, frame);
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (isReceiverMessage(message)) for (const listener of snapshotListeners) listener();
  });
  return {
    send(frame: CaptureFrame) {
      const kind = frame.kind === 'snapshot' ? FRAME_KIND.SNAPSHOT : FRAME_KIND.DELTA;
      const json = encoder.encode(platform.stringify(frame.events));
      const whole = () => encodeFrame(kind, frame.seq, json, false);
      let made: Promise<Uint8Array>;
      if (kind === FRAME_KIND.SNAPSHOT) {
        deltas.start(json);
        made = deflateNative(json).then((body) => encodeFrame(kind, frame.seq, body, true), whole);
      } else {
        made = Promise.resolve(deltas.frame(frame.seq, json));
      }
      chain = chain.then(() => made).then((bytes) => {
        if (socket.readyState === WebSocket.OPEN) platform.send(socket, bytes);
        else if (socket.readyState === WebSocket.CONNECTING) pending.push(bytes);
      });
    },
    onSnapshotRequest(listener) {
      snapshotListeners.push(listener);
    },
    close() {
      // Frames still being compressed go first.
      void chain.then(() => {
        pending.length = 0;
        deltas.close();
        socket.close(1000);
      });
    },
  };
}
