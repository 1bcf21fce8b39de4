import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES, FRAME_KIND, encodeFrame, encodePointer } from '@tandem/protocol';
import { AGENT_SUBPROTOCOL, agentSocketProtocols } from '@tandem/protocol/wire';
import { startTestServer, type TestServer } from './test-server.ts';
import { connectedCall, createDeployment, waitUntil } from './fixtures.ts';
import { RelayClient } from './relay-clients.ts';
import { startedSession } from './started-session.ts';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('live relay: capture socket -> agent console', () => {
  let s: TestServer;
  let dep: { key: string; identitySecret: string };
  before(async () => {
    s = await startTestServer('pglite', { RESUME_WINDOW_SECONDS: '1' });
    dep = await createDeployment(s);
  });
  after(async () => s?.close());

  /** A call whose customer accepted: the page's visitor socket, its capture token, an agent token. */
  async function liveSession() {
    const { call, page, invite: inv, sessionId, captureToken } = await startedSession(s, dep);
    const agentToken = (await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body.token as string;
    return { call, page, inv, sessionId, captureToken, agentToken };
  }

  async function capture(token: string) {
    const c = await RelayClient.open(s.url, '/v1/capture');
    c.send({ type: 'auth', token });
    await c.jsonOf('ready');
    return c;
  }

  async function agent(token: string) {
    const a = await RelayClient.open(s.url, '/v1/agent');
    a.send({ type: 'auth', token });
    await a.jsonOf('ready');
    return a;
  }

  test("a console hears its own call's events, and other calls' events cost it nothing", async () => {
    const mine = await connectedCall(s);
    const other = await connectedCall(s);
    const token = (await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: mine.id })).body.token as string;
    const a = await agent(token);
    await a.until(() => a.json.some((m) => m.type === 'view'), 5000, 'the first view');
    const before = a.json.length;
    assert.equal((await s.api('POST', '/v1/invites', { conversationId: other.id, channels: ['code'] })).status, 201);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(a.json.slice(before), [], "another call's invite reached this console");
    const inv = (await s.api('POST', '/v1/invites', { conversationId: mine.id, channels: ['code'] })).body;
    await a.until(() => a.json.some((m) => m.type === 'event' && m.event.type === 'invite.created'), 5000, 'its own invite.created');
    await a.until(() => a.json.some((m) => m.type === 'view' && m.view.invite?.id === inv.id), 5000, 'a view with its invite');
    a.close();
  });

  test('the agent receives the page stream byte for byte; a late agent starts from snapshot + deltas', async () => {
    const live = await liveSession();
    const cap = await capture(live.captureToken);
    const a1 = await agent(live.agentToken);
    assert.equal((await a1.until(() => a1.json.find((m) => m.type === 'view' && m.view.session?.state === 'active'))).view.session.id, live.sessionId);
    const snapshot = encodeFrame(FRAME_KIND.SNAPSHOT, 1, json([{ type: 2, data: { node: 'the page' } }]));
    const d2 = encodeFrame(FRAME_KIND.DELTA, 2, json([{ type: 3, data: { text: 'typed' } }]));
    cap.sendFrame(snapshot);
    cap.sendFrame(d2);
    await a1.until(() => a1.frames.length >= 2, 5000, 'frames');
    assert.deepEqual(a1.frames.map((f) => Buffer.from(f)), [Buffer.from(snapshot), Buffer.from(d2)]);

    const a2 = await agent(live.agentToken);
    await a2.until(() => a2.frames.length >= 2, 5000, 'catch-up frames');
    assert.deepEqual(a2.frames.map((f) => Buffer.from(f)), [Buffer.from(snapshot), Buffer.from(d2)]);

    const pointer = encodePointer(10, 20);
    cap.sendFrame(pointer);
    await a2.until(() => a2.frames.length >= 3);
    assert.deepEqual(Buffer.from(a2.frames[2]!), Buffer.from(pointer));

    a1.send({ type: 'pointer', x: 100, y: 200, visible: true });
    assert.deepEqual(await cap.jsonOf('agent.pointer'), { type: 'agent.pointer', x: 100, y: 200, visible: true });
    for (const c of [cap, a1, a2]) c.close();
    live.page.close();
  });

  test('control commands reach the page only after the customer granted control', async () => {
    const live = await liveSession();
    const cap = await capture(live.captureToken);
    const a = await agent(live.agentToken);
    await a.until(() => a.json.find((m) => m.type === 'view' && m.view.session?.state === 'active'));
    a.send({ type: 'control.command', id: 1, command: { action: 'click', nodeId: 5 } });
    const refused = await a.jsonOf('error');
    assert.equal(refused.code, 'invalid_state');
    assert.ok(!cap.json.some((m) => m.type === 'control.command'));

    a.send({ type: 'control.request' });
    await cap.jsonOf('control.request');
    await live.page.acceptControl(live.sessionId);
    a.send({ type: 'control.command', id: 2, command: { action: 'type', nodeId: 7, text: 'hello' } });
    const cmd = await cap.jsonOf('control.command');
    assert.deepEqual(cmd, { type: 'control.command', id: 2, command: { action: 'type', nodeId: 7, text: 'hello' } });
    cap.send({ type: 'control.result', id: 2, ok: false, error: 'masked field' });
    assert.deepEqual(await a.jsonOf('control.result'), { type: 'control.result', id: 2, ok: false, error: 'masked field' });

    await live.page.request({ type: 'control.revoke', sessionId: live.sessionId });
    a.send({ type: 'control.command', id: 3, command: { action: 'click', nodeId: 5 } });
    await a.until(() => a.json.filter((m) => m.type === 'error').length >= 2);
    assert.equal(cap.json.filter((m) => m.type === 'control.command').length, 1);
    for (const c of [cap, a]) c.close();
    live.page.close();
  });

  test('hanging up ends the relay: the page is told and closed, the agent sees the session end', async () => {
    const live = await liveSession();
    const cap = await capture(live.captureToken);
    const a = await agent(live.agentToken);
    await s.api('PUT', `/v1/conversations/${live.call.id}`, { state: 'disconnected' });
    assert.equal((await cap.jsonOf('session.ended')).reason, 'call_ended');
    assert.equal((await cap.closed).code, CLOSE_CODES.SESSION_ENDED.code);
    const ended = await a.until(() => a.json.find((m) => m.type === 'view' && m.view.session?.state === 'ended'));
    assert.equal(ended.view.session.endReason, 'call_ended');
    assert.equal(ended.view.conversationState, 'disconnected');
    // The same capture token, replayed after the end, is refused.
    const again = await RelayClient.open(s.url, '/v1/capture');
    again.send({ type: 'auth', token: live.captureToken });
    assert.equal((await again.closed).code, CLOSE_CODES.SESSION_ENDED.code);
    a.close();
    live.page.close();
  });

  test('a page that disappears past the resume window ends its session with customer_left; one that comes back in time resumes', async () => {
    const live = await liveSession();
    const a = await agent(live.agentToken);
    let cap = await capture(live.captureToken);
    cap.close();
    await a.until(() => a.json.find((m) => m.type === 'customer.link' && m.state === 'reconnecting'));
    cap = await capture(live.captureToken);
    await a.until(() => a.json.filter((m) => m.type === 'customer.link' && m.state === 'connected').length >= 1);
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal((await s.api('GET', `/v1/sessions/${live.sessionId}`)).body.state, 'active', 'resumed within the window');
    cap.close();
    const ended = await waitUntil(async () => {
      const ses = (await s.api('GET', `/v1/sessions/${live.sessionId}`)).body;
      return ses.state === 'ended' ? ses : null;
    }, 5000, 'customer_left');
    assert.equal(ended.endReason, 'customer_left');
    a.close();
    live.page.close();
  });

  test('the console makes invites and follows the timeline over its socket', async () => {
    const call = await connectedCall(s);
    const agentToken = (await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body.token;
    const a = await agent(agentToken);
    a.send({ type: 'invite.create', channels: ['code'] });
    const created = await a.until(() => a.json.find((m) => m.type === 'event' && m.event.type === 'invite.created'));
    assert.deepEqual(created.event.data.channels, ['code']);
    const view = await a.until(() => a.json.find((m) => m.type === 'view' && m.view.invite));
    assert.match(view.view.invite.code, /^\d{10}$/);
    a.send({ type: 'invite.create', channels: ['sms'] });
    const err = await a.jsonOf('error');
    assert.equal(err.code, 'customer_unreachable');
    a.send({ type: 'code.claim', code: '0000000000' });
    await a.until(() => a.json.filter((m) => m.type === 'error').length >= 2);
    assert.equal(a.json.filter((m) => m.type === 'error')[1].code, 'invalid_code');
    a.close();
  });

  test('bad capture sockets are closed with a reason and nothing else is affected', async () => {
    const live = await liveSession();
    const good = await capture(live.captureToken);
    const watcher = await agent(live.agentToken);
    good.sendFrame(encodeFrame(FRAME_KIND.SNAPSHOT, 1, json([1])));
    await watcher.until(() => watcher.frames.length >= 1);

    const cases: [string, (c: RelayClient) => void, number][] = [
      ['garbage token', (c) => c.send({ type: 'auth', token: 'nope' }), CLOSE_CODES.UNAUTHORIZED.code],
      ['an agent token as capture token', (c) => c.send({ type: 'auth', token: live.agentToken }), CLOSE_CODES.UNAUTHORIZED.code],
      ['frame before auth', (c) => c.sendFrame(encodeFrame(FRAME_KIND.DELTA, 1, json([]))), CLOSE_CODES.UNAUTHORIZED.code],
      ['not json', (c) => c.ws.send('{x'), CLOSE_CODES.MALFORMED_MESSAGE.code],
      ['unknown message', (c) => c.send({ type: 'sudo' }), CLOSE_CODES.MALFORMED_MESSAGE.code],
    ];
    for (const [name, act, code] of cases) {
      const c = await RelayClient.open(s.url, '/v1/capture');
      act(c);
      assert.equal((await c.closed).code, code, name);
    }
    // A session of its own for each case: with this file's 1 s resume window, a busy machine can
    // take longer than that between one closed socket and the next one's auth, ending a shared one.
    const afterAuth: [string, (c: RelayClient, token: string) => void, number][] = [
      ['short frame', (c) => c.sendFrame(new Uint8Array([2, 0, 0])), CLOSE_CODES.MALFORMED_MESSAGE.code],
      ['unknown kind', (c) => c.sendFrame(encodeFrame(7 as never, 1, json([]))), CLOSE_CODES.MALFORMED_MESSAGE.code],
      ['sequence going backwards', (c) => {
        c.sendFrame(encodeFrame(FRAME_KIND.SNAPSHOT, 5, json([])));
        c.sendFrame(encodeFrame(FRAME_KIND.DELTA, 3, json([])));
      }, CLOSE_CODES.PROTOCOL_VIOLATION.code],
      ['oversized frame', (c) => c.sendFrame(encodeFrame(FRAME_KIND.DELTA, 1, new Uint8Array(9 * 1024 * 1024))), 1009],
      ['second auth', (c, token) => c.send({ type: 'auth', token }), CLOSE_CODES.PROTOCOL_VIOLATION.code],
    ];
    for (const [name, act, code] of afterAuth) {
      const own = await liveSession();
      const c = await capture(own.captureToken);
      act(c, own.captureToken);
      const closed = await c.closed;
      assert.ok(closed.code === code || (name === 'oversized frame' && closed.code === CLOSE_CODES.MESSAGE_TOO_LARGE.code), `${name}: ${closed.code}`);
      own.page.close();
    }
    good.sendFrame(encodeFrame(FRAME_KIND.DELTA, 2, json([2])));
    await watcher.until(() => watcher.frames.length >= 2, 5000, 'the healthy session kept flowing');
    for (const c of [good, watcher]) c.close();
    live.page.close();
  });

  test('a console that offers its token in the handshake gets the page with no auth message; the token is never echoed', async () => {
    const live = await liveSession();
    const cap = await capture(live.captureToken);
    const snapshot = encodeFrame(FRAME_KIND.SNAPSHOT, 1, json([{ type: 2, data: { node: 'the page' } }]));
    cap.sendFrame(snapshot);
    // The relay has the snapshot before the console comes.
    const early = await agent(live.agentToken);
    await early.until(() => early.frames.length >= 1, 5000, 'the snapshot');
    early.close();
    const a = await RelayClient.open(s.url, '/v1/agent', agentSocketProtocols(live.agentToken)!);
    assert.equal(a.ws.protocol, AGENT_SUBPROTOCOL, 'the server selected our protocol, not the token');
    await a.until(() => a.frames.length >= 1, 5000, 'the snapshot, without an auth message');
    assert.deepEqual(Buffer.from(a.frames[0]!), Buffer.from(snapshot));
    assert.equal((await a.jsonOf('ready')).view.session.id, live.sessionId);
    // Authenticated once: a second auth, now as a message, is a protocol violation.
    a.send({ type: 'auth', token: live.agentToken });
    assert.equal((await a.closed).code, CLOSE_CODES.PROTOCOL_VIOLATION.code);
    // A bad token in the handshake is refused as one in a message would be, at once.
    const bad = await RelayClient.open(s.url, '/v1/agent', agentSocketProtocols('not.a.token')!);
    assert.equal((await bad.closed).code, CLOSE_CODES.UNAUTHORIZED.code);
    // Our protocol without a token: the console authenticates with its first message as before.
    const plain = await RelayClient.open(s.url, '/v1/agent', [AGENT_SUBPROTOCOL]);
    plain.send({ type: 'auth', token: live.agentToken });
    await plain.jsonOf('ready');
    for (const c of [cap, plain]) c.close();
    live.page.close();
  });

  test('bad agent sockets: API token, expired token, and messages before auth', async () => {
    const apiToken = await s.token();
    const a = await RelayClient.open(s.url, '/v1/agent');
    a.send({ type: 'auth', token: apiToken });
    assert.equal((await a.closed).code, CLOSE_CODES.UNAUTHORIZED.code);
    const b = await RelayClient.open(s.url, '/v1/agent');
    b.send({ type: 'pointer', x: 1, y: 1, visible: true });
    assert.equal((await b.closed).code, CLOSE_CODES.UNAUTHORIZED.code);
    const call = await connectedCall(s);
    const { token: expired } = await s.tandem.services.tokens.issueAgent({ orgId: s.orgId, agentId: 'a', conversationId: call.id, clientId: s.clientId }, -10);
    const c = await RelayClient.open(s.url, '/v1/agent');
    c.send({ type: 'auth', token: expired });
    assert.equal((await c.closed).code, CLOSE_CODES.UNAUTHORIZED.code);
  });
});
