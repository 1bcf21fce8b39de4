import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { TandemEvent } from '@tandem/protocol';
import { isTandemApiError } from './tandem-error.ts';
import { TandemClient } from './tandem-client.ts';
import { CLIENT_ID, CLIENT_SECRET, makeEvent, openEventStream, sendProblem, sseFrame, startFakeTandemServer,
  type RecordedRequest } from './fake-tandem-server.ts';

const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 100 };

async function setup(t: TestContext) {
  const server = await startFakeTandemServer();
  t.after(() => server.close());
  const client = new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, reconnect: FAST_RECONNECT });
  const streamRequests = () => server.requests.filter((r) => r.url.pathname === '/v1/events/stream');
  return { server, client, streamRequests };
}

async function take(stream: AsyncIterable<TandemEvent>, count: number): Promise<TandemEvent[]> {
  const events: TandemEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === count) break;
  }
  return events;
}

describe('events.stream', () => {
  it('resumes with Last-Event-ID after the connection drops mid-event, yielding each event once', async (t) => {
    const { server, client, streamRequests } = await setup(t);
    const events = [1, 2, 3, 4].map((seq) => makeEvent(seq, seq === 4 ? 'session.started' : 'invite.created'));
    let connections = 0;
    server.route('GET', '/v1/events/stream', (req: RecordedRequest, res) => {
      openEventStream(res);
      if (++connections === 1) {
        res.write(`: heartbeat\n\n${sseFrame(events[0]!)}${sseFrame(events[1]!)}`);
        // Half of event 3, then the socket dies: the client must not count event 3 as seen.
        res.write(sseFrame(events[2]!).slice(0, 30));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      // The server replays from what the client says it has; replaying 2 as well tests the de-duplication.
      const from = Number(req.headers['last-event-id']) - 1;
      for (const event of events.filter((e) => e.seq > from)) res.write(sseFrame(event));
    });

    const received = await take(client.events.stream({ conversationId: 'call-1', types: ['invite.created', 'session.started'] }), 4);

    assert.deepEqual(received.map((e) => e.seq), [1, 2, 3, 4]);
    assert.deepEqual(received[3], events[3]);
    const [first, second] = streamRequests();
    assert.deepEqual(Object.fromEntries(first!.url.searchParams), { conversationId: 'call-1', types: 'invite.created,session.started' });
    assert.equal(first!.headers['last-event-id'], undefined);
    assert.equal(first!.headers.accept, 'text/event-stream');
    assert.equal(second!.headers['last-event-id'], '2');
    assert.deepEqual(Object.fromEntries(second!.url.searchParams), { conversationId: 'call-1', types: 'invite.created,session.started' });
  });

  it('starts from `after` and resumes from it when the first connection brings nothing', async (t) => {
    const { server, client, streamRequests } = await setup(t);
    let connections = 0;
    server.route('GET', '/v1/events/stream', (_req, res) => {
      if (++connections === 1) return void res.socket?.destroy();
      openEventStream(res);
      res.write(sseFrame(makeEvent(8, 'invite.created')));
    });
    const [event] = await take(client.events.stream({ after: '7' }), 1);
    assert.equal(event!.seq, 8);
    const [first, second] = streamRequests();
    assert.equal(first!.url.searchParams.get('after'), '7');
    assert.equal(second!.headers['last-event-id'], '7');
    assert.equal(second!.url.searchParams.get('after'), null);
  });

  it('reconnects when the server goes silent past the idle timeout', async (t) => {
    const server = await startFakeTandemServer();
    t.after(() => server.close());
    const client =
      new TandemClient({ baseUrl: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, reconnect: { ...FAST_RECONNECT, idleTimeoutMs: 150 } });
    let connections = 0;
    server.route('GET', '/v1/events/stream', (_req, res) => {
      openEventStream(res);
      res.write(sseFrame(makeEvent(++connections, 'invite.created')));
    });
    const received = await take(client.events.stream(), 2);
    assert.deepEqual(received.map((e) => e.seq), [1, 2]);
    assert.equal(server.requests.at(-1)!.headers['last-event-id'], '1');
  });

  it('retries server errors and honours Retry-After', async (t) => {
    const { server, client, streamRequests } = await setup(t);
    let connections = 0;
    server.route('GET', '/v1/events/stream', (_req, res) => {
      if (++connections === 1) return sendProblem(res, 'not_ready', {}, { 'retry-after': '1' });
      openEventStream(res);
      res.write(sseFrame(makeEvent(1, 'invite.created')));
    });
    const started = Date.now();
    await take(client.events.stream(), 1);
    assert.equal(streamRequests().length, 2);
    assert.ok(Date.now() - started >= 1000, 'waited for Retry-After');
  });

  it('ends with the API error when the server refuses the stream for good', async (t) => {
    const { server, client, streamRequests } = await setup(t);
    server.route('GET', '/v1/events/stream', (_req, res) => sendProblem(res, 'insufficient_scope', { requiredScope: 'events:read' }));
    const error = await take(client.events.stream(), 1).catch((e: unknown) => e);
    assert.ok(isTandemApiError(error, 'insufficient_scope'));
    assert.equal(streamRequests().length, 1);
  });

  it('rejects with the signal\'s reason when aborted, and closes the connection', async (t) => {
    const { server, client } = await setup(t);
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const controller = new AbortController();
    server.route('GET', '/v1/events/stream', (_req, res) => {
      openEventStream(res);
      res.on('close', () => closed());
      // Aborted once the stream is open (a fixed delay from the start could fire before the
      // request arrives on a busy machine, and then no connection would ever close).
      setTimeout(() => controller.abort(new Error('shutting down')), 50);
    });
    await assert.rejects(take(client.events.stream({ signal: controller.signal }), 1), /shutting down/);
    await connectionClosed;
  });

  it('rejects with the signal\'s reason, without a request, when the signal is already aborted', async (t) => {
    const { client, streamRequests } = await setup(t);
    const controller = new AbortController();
    controller.abort(new Error('not needed any more'));
    await assert.rejects(take(client.events.stream({ signal: controller.signal }), 1), /not needed any more/);
    assert.equal(streamRequests().length, 0);
  });
});
