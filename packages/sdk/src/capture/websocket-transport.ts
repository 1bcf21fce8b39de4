// A plain WebSocket carrying frames in the relay's wire format (protocol header, deflated body),
// for the test sink in e2e/ that stands in for the relay. The real relay connection, with auth
// and reconnects, is relay-stream.ts.
import { FRAME_KIND, encodeFrame } from '@tandem/protocol';
import type { CaptureFrame, FrameTransport } from './frame-transport.ts';

// Messages a receiver may send back on the same socket.
interface ReceiverMessage {
  type: 'snapshot-request' | 'snapshot.request';
}

function isReceiverMessage(value: unknown): value is ReceiverMessage {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : null;
  return type === 'snapshot-request' || type === 'snapshot.request';
}

async function deflate(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function webSocketTransport(url: string): FrameTransport {
  const socket = new WebSocket(url);
  // Frames produced before the socket opens (the first snapshot, always) wait here, in order.
  const pending: Uint8Array[] = [];
  const snapshotListeners: Array<() => void> = [];
  let chain: Promise<void> = Promise.resolve();
  socket.addEventListener('open', () => {
    for (const frame of pending.splice(0)) socket.send(frame);
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
      const text = JSON.stringify(frame.events);
      chain = chain.then(async () => {
        const bytes = encodeFrame(kind, frame.seq, await deflate(text), true);
        if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
        else if (socket.readyState === WebSocket.CONNECTING) pending.push(bytes);
      });
    },
    onSnapshotRequest(listener) {
      snapshotListeners.push(listener);
    },
    close() {
      void chain.then(() => {
        pending.length = 0;
        socket.close(1000);
      });
    },
  };
}
