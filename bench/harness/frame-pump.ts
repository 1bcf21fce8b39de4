import WebSocket from 'ws';

/**
 * Sends `count` binary frames from one socket and waits until the other received them all,
 * keeping at most `window` frames in flight so neither side's buffers grow without bound.
 * The same pump times Tandem's relay and the bare ws baseline.
 */
export async function pumpFrames(sender: WebSocket, receiver: WebSocket, frames: (i: number) => Uint8Array, count: number,
  window = 256): Promise<{ seconds: number; bytes: number }> {
  let received = 0;
  let sent = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pump stalled at ${received}/${count}`)), 120_000);
    const fill = () => {
      while (sent < count && sent - received < window) {
        const f = frames(sent + 1);
        bytes += f.byteLength;
        sender.send(f, { binary: true });
        sent++;
      }
    };
    receiver.on('message', (_d, isBinary) => {
      if (!isBinary) return;
      received++;
      if (received === count) {
        clearTimeout(timer);
        resolve();
      } else if (sent - received < window / 2) fill();
    });
    fill();
  });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes };
}

export function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
