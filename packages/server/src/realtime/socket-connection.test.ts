import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Writable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import pino from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES, type CloseCodeName } from '@tandem/protocol';
import { createMetrics } from '../wiring/metrics.ts';
import { SocketConnection, type SocketHandler, type SocketRules } from './socket-connection.ts';

const Message = Type.Union([
  Type.Object({ type: Type.Literal('auth'), token: Type.String() }),
  Type.Object({ type: Type.Literal('say'), text: Type.String() }),
]);
type Message = Static<typeof Message>;

const metrics = createMetrics();
const logLines: string[] = [];
const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } }));

interface Served {
  url: string;
  said: string[];
  closedAs: (string | null)[];
}

/** A real ws server on loopback whose every socket is one SocketConnection with these rules. */
async function serve(rules: Partial<SocketRules<typeof Message>>, handler: Partial<SocketHandler<typeof Message, string>> = {}): Promise<Served> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4096 });
  await once(wss, 'listening');
  after(() => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
  const served: Served = { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, said: [], closedAs: [] };
  const full: SocketRules<typeof Message> = {
    kind: 'agent', check: TypeCompiler.Compile(Message), maxBytes: 1024, rate: { windowMs: 60_000, max: 100 }, ...rules,
  };
  wss.on('connection', (ws) => {
    new SocketConnection(ws, full, (conn) => ({
      ready: () => conn.sendJson({ type: 'ready' }),
      authenticate: async (m: Message) => (m.type === 'auth' && m.token === 'good' ? 'alice' : 'UNAUTHORIZED'),
      handle: (_id: string, m: Message) => {
        if (m.type === 'say') served.said.push(m.text);
      },
      closed: (id: string | null) => served.closedAs.push(id),
      ...handler,
    }), metrics, log, rules.auth ? null : 'anonymous');
  });
  return served;
}

/** Sends the good token and waits until the server says the socket is authenticated. */
async function authenticate(ws: WebSocket) {
  const ready = once(ws, 'message');
  ws.send(JSON.stringify({ type: 'auth', token: 'good' }));
  const [data] = await ready;
  assert.deepEqual(JSON.parse(String(data)), { type: 'ready' });
}

async function connect(url: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url);
  const closed = once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  await once(ws, 'open');
  return { ws, closed };
}

/** Waits (bounded) for the server side to catch up with what the client already saw. */
async function until(done: () => boolean) {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

const AUTH = { auth: { messageType: 'auth', timeoutMs: 10_000 } };

async function closes(kind: string, reason: CloseCodeName): Promise<number> {
  const m = (await metrics.socketCloses.get()).values.find((v) => v.labels.kind === kind && v.labels.reason === reason);
  return m?.value ?? 0;
}

test('a socket that does not authenticate before the deadline is closed UNAUTHORIZED, and the close is counted', async () => {
  const before = await closes('agent', 'UNAUTHORIZED');
  const { url } = await serve({ auth: { messageType: 'auth', timeoutMs: 50 } });
  const { closed } = await connect(url);
  assert.deepEqual(await closed, CLOSE_CODES.UNAUTHORIZED);
  assert.equal(await closes('agent', 'UNAUTHORIZED'), before + 1);
});

test('authentication happens once: a second auth is a protocol violation; messages before it are refused', async () => {
  const served = await serve(AUTH);
  const early = await connect(served.url);
  early.ws.send(JSON.stringify({ type: 'say', text: 'too soon' }));
  assert.deepEqual(await early.closed, CLOSE_CODES.UNAUTHORIZED);

  const twice = await connect(served.url);
  await authenticate(twice.ws);
  twice.ws.send(JSON.stringify({ type: 'say', text: 'hello' }));
  twice.ws.send(JSON.stringify({ type: 'auth', token: 'good' }));
  assert.deepEqual(await twice.closed, CLOSE_CODES.PROTOCOL_VIOLATION);
  assert.deepEqual(served.said, ['hello']);
  await until(() => served.closedAs.length === 2);
  assert.deepEqual(served.closedAs, [null, 'alice'], 'the handler hears of each close, with the identity it had');

  const wrong = await connect(served.url);
  wrong.ws.send(JSON.stringify({ type: 'auth', token: 'bad' }));
  assert.deepEqual(await wrong.closed, CLOSE_CODES.UNAUTHORIZED);
});

test('a message over the size limit is closed MESSAGE_TOO_LARGE, and before auth the smaller limit holds', async () => {
  const served = await serve({ ...AUTH, maxBytes: 1024, maxBytesBeforeAuth: 64 });
  const stranger = await connect(served.url);
  stranger.ws.send(JSON.stringify({ type: 'auth', token: 'x'.repeat(100) }));
  assert.deepEqual(await stranger.closed, CLOSE_CODES.MESSAGE_TOO_LARGE);

  const known = await connect(served.url);
  await authenticate(known.ws);
  known.ws.send(JSON.stringify({ type: 'say', text: 'y'.repeat(500) }));
  known.ws.send(JSON.stringify({ type: 'say', text: 'z'.repeat(1100) }));
  assert.deepEqual(await known.closed, CLOSE_CODES.MESSAGE_TOO_LARGE);
  assert.deepEqual(served.said, ['y'.repeat(500)]);
});

test('more messages than the rate window allows are closed RATE_LIMITED', async () => {
  const before = await closes('visitor', 'RATE_LIMITED');
  const served = await serve({ kind: 'visitor', rate: { windowMs: 60_000, max: 3 } });
  const { ws, closed } = await connect(served.url);
  for (let i = 1; i <= 5; i++) ws.send(JSON.stringify({ type: 'say', text: String(i) }));
  assert.deepEqual(await closed, CLOSE_CODES.RATE_LIMITED);
  assert.deepEqual(served.said, ['1', '2', '3']);
  assert.equal(await closes('visitor', 'RATE_LIMITED'), before + 1);
});

test('text that is not JSON or not in the schema, and binary frames without a binary handler, are MALFORMED_MESSAGE', async () => {
  const served = await serve({});
  for (const bad of ['not json', JSON.stringify({ type: 'shout' }), Buffer.from([1, 2, 3])]) {
    const { ws, closed } = await connect(served.url);
    ws.send(bad);
    assert.deepEqual(await closed, CLOSE_CODES.MALFORMED_MESSAGE);
  }
});

test('a handler refuses a message or a binary frame by naming the close', async () => {
  const served = await serve({}, {
    handle: (_id, m) => (m.type === 'say' && m.text === 'stop' ? 'PROTOCOL_VIOLATION' : undefined),
    binary: (_id, frame) => (frame.byteLength > 2 ? 'MALFORMED_MESSAGE' : undefined),
  });
  const a = await connect(served.url);
  a.ws.send(JSON.stringify({ type: 'say', text: 'stop' }));
  assert.deepEqual(await a.closed, CLOSE_CODES.PROTOCOL_VIOLATION);
  const b = await connect(served.url);
  b.ws.send(Buffer.from([1]));
  b.ws.send(Buffer.from([1, 2, 3]));
  assert.deepEqual(await b.closed, CLOSE_CODES.MALFORMED_MESSAGE);
});

test('a frame over the server limit is a socket error: logged, the socket closed 1009, the server still serving', async () => {
  const served = await serve({});
  const { ws, closed } = await connect(served.url);
  ws.send(Buffer.alloc(8192));
  assert.equal((await closed).code, 1009);
  assert.ok(logLines.some((line) => line.includes('socket error')), 'the socket error is logged');
  const next = await connect(served.url);
  next.ws.send(JSON.stringify({ type: 'say', text: 'still here' }));
  next.ws.close();
  await next.closed;
  assert.ok(served.said.includes('still here'));
});

test('open sockets are counted by kind while they are open', async () => {
  const open = async () => (await metrics.sockets.get()).values.find((v) => v.labels.kind === 'capture')?.value ?? 0;
  const served = await serve({ kind: 'capture' });
  const { ws, closed } = await connect(served.url);
  ws.send(JSON.stringify({ type: 'say', text: 'here' }));
  // The server has the socket once it has read a message from it.
  await until(() => served.said.length > 0);
  assert.equal(await open(), 1);
  ws.close();
  await closed;
  await until(() => served.closedAs.length > 0);
  assert.equal(await open(), 0);
});
