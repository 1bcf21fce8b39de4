// A stand-in for the Tandem server in the console's tests: serves the console page and bundles
// like the real server will (/console, /agent/*), plus fixture pages, and speaks the agent socket
// protocol (/v1/agent) as far as the test script tells it to. It records every message the
// console sends, so tests assert on the wire, not on the console's internals.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { FrameDeflater } from '@tandem/protocol/frame-stream';
import { WebSocketServer } from 'ws';
import { AGENT_SUBPROTOCOL, tokenFromProtocols } from '@tandem/protocol/wire';
import type { WebSocket } from 'ws';
import { FRAME_KIND, encodeFrame, encodePointer } from '@tandem/protocol';
import type { AgentClientMessage, AgentServerMessage, AgentView, FrameKind } from '@tandem/protocol';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

export const GOOD_TOKEN = 'agent-token-for-tests';

export interface FakeRelayOptions {
  consoleHtml: string;
  /** URL prefix -> directory */
  mounts: Record<string, string>;
  view: () => AgentView;
  /** Select no subprotocol and read no token from the handshake, as a balancer that drops the header. */
  ignoreProtocols?: boolean;
}

export interface FakeRelay {
  origin: string;
  /** every message any console sent, in order */
  received(): AgentClientMessage[];
  /** Resolves with the first matching message at index `since` or later of received(). */
  waitFor<T extends AgentClientMessage['type']>(
    type: T,
    match?: (m: Extract<AgentClientMessage, { type: T }>) => boolean,
    since?: number,
    timeoutMs?: number,
  ): Promise<Extract<AgentClientMessage, { type: T }>>;
  sendJson(message: AgentServerMessage): void;
  sendFrame(kind: FrameKind, seq: number, body: unknown, compressed?: boolean): void;
  /** paths of requests made to /pwned (a script ran somewhere and phoned home) */
  pwnedHits(): string[];
  connections(): number;
  /** Sockets that offered the console's token in their handshake, and all sockets ever opened. */
  opened(): { handshake: number; all: number };
  /** Cuts every agent socket as a network drop would. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startFakeRelay(options: FakeRelayOptions): Promise<FakeRelay> {
  const received: AgentClientMessage[] = [];
  const opened = { handshake: 0, all: 0 };
  const waiters: Array<() => void> = [];
  const pwned: string[] = [];
  const agents = new Set<WebSocket>();
  const deflater = new FrameDeflater();
  const prefixes = Object.keys(options.mounts).sort((a, b) => b.length - a.length);

  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.startsWith('/pwned')) {
      pwned.push(req.url ?? path);
      res.writeHead(204).end();
      return;
    }
    if (path === '/console') {
      res.writeHead(200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-store' }).end(options.consoleHtml);
      return;
    }
    const prefix = prefixes.find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : options.mounts[prefix];
    const file = prefix === undefined || root === undefined ? null : normalize(join(root, path.slice(prefix.length)));
    if (!file || !root || !file.startsWith(normalize(root) + sep)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  const wss = new WebSocketServer({
    server,
    path: '/v1/agent',
    // ignoreProtocols: as behind a balancer that drops the header (the browser then refuses the answer).
    handleProtocols: (offered) => (!options.ignoreProtocols && offered.has(AGENT_SUBPROTOCOL) ? AGENT_SUBPROTOCOL : false),
  });
  wss.on('connection', (socket, req) => {
    let authed = false;
    const receive = (message: AgentClientMessage) => {
      received.push(message);
      for (const wake of waiters.splice(0)) wake();
      if (!authed) {
        if (message.type !== 'auth' || message.token !== GOOD_TOKEN) return socket.close(4008, 'token missing, invalid or expired');
        authed = true;
        agents.add(socket);
        socket.send(JSON.stringify({ type: 'ready', agentId: 'agent-1', view: options.view() } satisfies AgentServerMessage));
      }
    };
    // As Tandem: a token in the handshake is the console's auth, recorded as if it had been sent.
    const token = options.ignoreProtocols ? null : tokenFromProtocols(req.headers['sec-websocket-protocol']);
    opened.all += 1;
    if (token !== null) opened.handshake += 1;
    if (token !== null) receive({ type: 'auth', token });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(4001, 'malformed message');
      receive(JSON.parse(String(data)) as AgentClientMessage);
    });
    socket.on('close', () => agents.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    received: () => received.slice(),
    waitFor(type, match, since = 0, timeoutMs = 5_000) {
      type Wanted = Extract<AgentClientMessage, { type: typeof type }>;
      const start = since;
      const find = () => received.slice(start).find((m): m is Wanted => m.type === type && (!match || match(m as Wanted)));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(received.slice(start))}`)), timeoutMs);
        const check = () => {
          const found = find();
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
    sendJson(message) {
      const text = JSON.stringify(message);
      for (const socket of agents) socket.send(text);
    },
    sendFrame(kind, seq, body, compressed = false) {
      if (kind === FRAME_KIND.POINTER) {
        const { x, y } = body as { x: number; y: number };
        for (const socket of agents) socket.send(encodePointer(x, y));
        return;
      }
      const json = Buffer.from(JSON.stringify(body), 'utf8');
      // Compressed deltas are pieces of one stream against their snapshot, as the customer's page sends them.
      if (!compressed && kind === FRAME_KIND.SNAPSHOT) deflater.startStream(json);
      const frame = encodeFrame(kind, seq, compressed ? deflater.deflate(json, kind === FRAME_KIND.SNAPSHOT) : json, compressed);
      for (const socket of agents) socket.send(frame);
    },
    pwnedHits: () => pwned.slice(),
    connections: () => agents.size,
    opened: () => ({ ...opened }),
    dropAll() {
      for (const socket of agents) socket.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
