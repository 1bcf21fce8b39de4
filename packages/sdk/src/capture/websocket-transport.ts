import type { CaptureFrame, FrameTransport } from './frame-transport.ts';

// Messages a receiver may send back on the same socket.
interface ReceiverMessage {
  type: 'snapshot-request';
}

function isReceiverMessage(value: unknown): value is ReceiverMessage {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'snapshot-request';
}

export function webSocketTransport(url: string): FrameTransport {
  const socket = new WebSocket(url);
  // Frames produced before the socket opens (the first snapshot, always) wait here, in order.
  const pending: string[] = [];
  const snapshotListeners: Array<() => void> = [];
  socket.addEventListener('open', () => {
    for (const text of pending.splice(0)) socket.send(text);
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
      const text = JSON.stringify(frame);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (socket.readyState === WebSocket.CONNECTING) pending.push(text);
    },
    onSnapshotRequest(listener) {
      snapshotListeners.push(listener);
    },
    close() {
      pending.length = 0;
      socket.close(1000);
    },
  };
}
