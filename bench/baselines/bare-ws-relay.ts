/**
 * Baseline for the sessions scenario: the least a live relay can do, in its own process like
 * Tandem's server so that its CPU is measured apart. Page sockets (/v1/capture) and agent sockets
 * (/v1/agent) say `{"type":"auth","token":…}` first, as Tandem's do, and are answered
 * `{"type":"ready"}`; the token is the session's name (no check, no database). Every binary frame
 * of a page goes to the agent of the same session as it came, byte for byte (Tandem's frames:
 * 5-byte header, body). No cache, no sequence check, no limits.
 * `GET /lag`: the largest event-loop stall since the previous GET (as Tandem's /metrics gives it).
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

interface Pair {
  capture: WebSocket | null;
  agent: WebSocket | null;
}

const pairs = new Map<string, Pair>();
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

const http = createServer((req, res) => {
  if (req.url !== '/lag') return void res.writeHead(404).end();
  const maxMs = lag.max / 1e6;
  lag.reset();
  // No kept-alive connection: the next GET comes after Node's 5 s keep-alive timeout, and a pooled
  // socket the server is closing just then fails the fetch (it did, mid-run).
  res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ maxMs }));
});
// The same largest message as Tandem's page sockets (8 MiB frames and a little).
const wss = new WebSocketServer({ server: http, maxPayload: 8 * 1024 * 1024 + 1024 });

wss.on('connection', (ws, req) => {
  const end = req.url === '/v1/capture' ? 'capture' : req.url === '/v1/agent' ? 'agent' : null;
  if (!end) return ws.close(1008, 'unknown path');
  let pair: Pair | null = null;
  ws.on('error', () => undefined);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      if (end === 'capture') pair?.agent?.send(data as Buffer, { binary: true });
      return;
    }
    if (pair) return;
    const token = (JSON.parse(String(data)) as { token?: string }).token ?? '';
    pair = pairs.get(token) ?? { capture: null, agent: null };
    pairs.set(token, pair);
    pair[end] = ws;
    ws.send(JSON.stringify({ type: 'ready' }));
    ws.once('close', () => {
      if (pair?.[end] === ws) pair[end] = null;
      if (pair && !pair.capture && !pair.agent) pairs.delete(token);
    });
  });
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});

// Exits on the bench's SIGTERM rather than being killed by it, so that a profile asked for with
// BENCH_BARE_ARGS="--cpu-prof …" is written.
process.once('SIGTERM', () => process.exit(0));
