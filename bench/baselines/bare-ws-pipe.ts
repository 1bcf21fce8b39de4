/**
 * Baseline for relay throughput: the least a relay can do. A ws server that forwards every
 * binary message from the first client to the second, in its own process like Tandem's server.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * 1024 * 1024 });
let sender: WebSocket | null = null;
let receiver: WebSocket | null = null;
wss.on('connection', (ws) => {
  if (!sender) sender = ws;
  else receiver = ws;
  ws.on('message', (data, isBinary) => {
    if (ws === sender && receiver) receiver.send(data, { binary: isBinary });
  });
});
wss.on('listening', () => {
  const addr = wss.address() as { port: number };
  process.stdout.write(`PORT=${addr.port}\n`);
});
