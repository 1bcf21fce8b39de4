import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { TandemEvent } from '@tandem/protocol';
import { TandemTimeoutError } from './tandem-error.ts';
import { TandemClient } from './tandem-client.ts';
import {
  CLIENT_ID, CLIENT_SECRET, makeEvent, openEventStream, sendJson, sseFrame, startFakeTandemServer, type FakeTandemServer,
} from './fake-tandem-server.ts';

interface Setup {
  server: FakeTandemServer;
  client: TandemClient;
  streamOpened: Promise<void>;
  streamClosed: Promise<void>;
}

/** A server holding `history`; its stream serves the history after `after`, then `live` a moment later. */
async function setup(t: TestContext, history: TandemEvent[], live: TandemEvent[] = []): Promise<Setup> {
  const server = await startFakeTandemServer();
  t.after(() => server.close());
  const select = (url: URL) => {
    const after = Number(url.searchParams.get('after') ?? 0);
    const conversationId = url.searchParams.get('conversationId');
    const types = url.searchParams.get('types')?.split(',');
    return (e: TandemEvent) => e.seq > after && (!conversationId || e.conversationId === conversationId) && (!types || types.includes(e.type));
  };
  server.route('GET', '/v1/events', (req, res) => {
    const limit = Number(req.url.searchParams.get('limit') ?? 100);
    const page = history.filter(select(req.url)).slice(0, limit);
    sendJson(res, 200, { data: page, nextCursor: page.length ? String(page.at(-1)!.seq) : null });
  });
  let closed!: () => void;
  let opened!: () => void;
  const streamClosed = new Promise<void>((resolve) => (closed = resolve));
  const streamOpened = new Promise<void>((resolve) => (opened = resolve));
  server.route('GET', '/v1/events/stream', (req, res) => {
    res.on('close', () => closed());
    opened();
    openEventStream(res);
    for (const event of history.filter(select(req.url))) res.write(sseFrame(event));
    setTimeout(() => live.filter(select(req.url)).forEach((event) => res.write(sseFrame(event))), 50);
  });
  const client = new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  return { server, client, streamOpened, streamClosed };
}

const otherCall = { conversationId: 'call-2' };

describe('waitFor', () => {
  it('finds an event that happened just before the call, in the conversation\'s history', async (t) => {
    const history = [
      makeEvent(1, 'session.started', otherCall),
      makeEvent(2, 'invite.created'),
      makeEvent(3, 'session.started', { sessionId: 'ses_1' }),
    ];
    const { server, client } = await setup(t, history);
    const started = await client.waitFor('session.started', { conversationId: 'call-1', timeoutMs: 2000 });
    assert.equal(started.seq, 3);
    assert.equal(started.sessionId, 'ses_1');
    const list = server.requests.find((r) => r.url.pathname === '/v1/events')!;
    assert.deepEqual(Object.fromEntries(list.url.searchParams), { after: '0', conversationId: 'call-1', types: 'session.started', limit: '100' });
    assert.equal(server.requests.some((r) => r.url.pathname === '/v1/events/stream'), false);
  });

  it('follows the stream from where the history ended', async (t) => {
    const history = [makeEvent(1, 'invite.created'), makeEvent(2, 'session.ended', { sessionId: 'ses_0' })];
    const live = [makeEvent(3, 'session.ended', otherCall), makeEvent(4, 'session.ended', { sessionId: 'ses_1' })];
    const { server, client } = await setup(t, history, live);
    const ended = await client.waitFor('session.ended', { conversationId: 'call-1', sessionId: 'ses_1', timeoutMs: 2000 });
    assert.equal(ended.seq, 4);
    const stream = server.requests.find((r) => r.url.pathname === '/v1/events/stream')!;
    assert.equal(stream.url.searchParams.get('after'), '2');
  });

  it('starts from `after` when given', async (t) => {
    const history = [makeEvent(1, 'session.started'), makeEvent(2, 'session.started')];
    const { client } = await setup(t, history);
    const started = await client.waitFor('session.started', { conversationId: 'call-1', after: 1, timeoutMs: 2000 });
    assert.equal(started.seq, 2);
  });

  it('rejects with TandemTimeoutError when nothing matches in time, and closes the stream', async (t) => {
    const { server, client, streamOpened, streamClosed } = await setup(t, [makeEvent(1, 'invite.created')]);
    // The clock is the test's: the timeout fires once the stream is open, however slow the machine is
    // to read the history and open it (a real 200 ms once ran out before the stream opened).
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const waiting = client.waitFor('session.started', { conversationId: 'call-1', timeoutMs: 200 }).catch((e: unknown) => e);
    await streamOpened;
    t.mock.timers.tick(200);
    const error = await waiting;
    assert.ok(error instanceof TandemTimeoutError);
    assert.match(error.message, /No session.started event arrived within 200 ms/);
    const streams = server.requests.filter((r) => r.url.pathname === '/v1/events/stream');
    assert.equal(streams.length, 1);
    await streamClosed;
  });
});
