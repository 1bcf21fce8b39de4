/**
 * Baseline relay for the browser scenarios: a bare ws server, no Tandem code, in its own process
 * like Tandem's server. Pages connect on /record, viewers on /view; every message from a page goes
 * to every viewer as it is, and every message from a viewer (a snapshot request) goes to the pages.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024 });
const pages = new Set<WebSocket>();
const viewers = new Set<WebSocket>();
wss.on('connection', (ws, req) => {
  const mine = req.url?.startsWith('/view') ? viewers : pages;
  const other = mine === viewers ? pages : viewers;
  mine.add(ws);
  ws.on('close', () => mine.delete(ws));
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => {
    for (const o of other) o.send(data, { binary: isBinary });
  });
});
wss.on('listening', () => {
  process.stdout.write(`PORT=${(wss.address() as { port: number }).port}\n`);
});
