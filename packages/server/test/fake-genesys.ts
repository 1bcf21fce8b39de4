import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export interface GenesysRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type FakeRoute = 'token' | 'authorize' | 'me' | 'channels' | 'subscriptions' | 'call' | 'user' | 'agentless';

export interface FakeParticipant {
  id: string;
  purpose: 'customer' | 'agent' | 'acd' | 'ivr';
  state: 'alerting' | 'dialing' | 'contacting' | 'connected' | 'disconnected' | 'terminated';
  address?: string;
  name?: string;
  user?: { id: string };
  queue?: { id: string };
}

export interface FakeCall {
  id: string;
  participants: FakeParticipant[];
}

export const FAKE_CLIENT_ID = '7de3af06-b0c7-4b8c-9b0f-3f2a1e5d6c01';
export const FAKE_CLIENT_SECRET = 'fake-genesys-secret-0123456789';
/** A browser client of type Token Implicit Grant: agents sign in with it on the widget page (response_type=token). */
export const FAKE_BROWSER_CLIENT_ID = '0b5e7c1d-2a3f-4e6b-8c9d-1f2e3d4c5b6a';
/** A browser client of type Code Authorization, used with PKCE (response_type=code, no secret). */
export const FAKE_PKCE_CLIENT_ID = '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

/** Genesys's error body: {message, code, status, contextId}. */
export const genesysError = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { message, code, status, contextId: randomUUID(), details: [], errors: [] },
  headers,
});

/**
 * Genesys Cloud on loopback, written from its public Platform API reference: the login host's
 * token endpoint (client credentials with HTTP Basic; authorization code with PKCE) and its
 * authorize page (implicit and PKCE browser clients), notification channels and their
 * subscriptions, the streaming WebSocket at the channel's connectUri (topicName/eventBody
 * messages, "WebSocket Heartbeat" on channel.metadata, v2.system.socket_closing), call
 * conversations, users and agentless SMS. One server plays both the login and the API host.
 * Calls are driven by the test; each change is published to the topics of its agent and queue.
 */
export async function startFakeGenesys(opts: { clientId?: string; clientSecret?: string; smsNumbers?: string[] } = {}) {
  const clientId = opts.clientId ?? FAKE_CLIENT_ID;
  let clientSecret = opts.clientSecret ?? FAKE_CLIENT_SECRET;
  const smsNumbers = new Set(opts.smsNumbers ?? ['+13175550100']);
  const requests: GenesysRequest[] = [];
  // Access tokens: null for the client-credentials client, else the signed-in user's id.
  const tokens = new Map<string, string | null>();
  let signedIn: string | null = null;
  // Authorization codes given by the PKCE login: one use each, bound to the challenge and redirect URI.
  const codes = new Map<string, { userId: string; clientId: string; redirectUri: string; challenge: string }>();
  const channels = new Map<string, { topics: Set<string>; sockets: Set<WebSocket> }>();
  const calls = new Map<string, FakeCall>();
  const users = new Map<string, { id: string; name: string }>();
  const sent: { id: string; fromAddress: string; toAddress: string; textBody: string }[] = [];
  const script: { route: FakeRoute; answer: Answer }[] = [];
  let connections = 0;
  // How long the next channel lives (its `expires`), when a test says; Genesys gives 24 hours.
  let nextChannelTtlMs: number | null = null;
  let subscribeCalls = 0;
  // Called with the next stream socket as soon as it is upgraded (before the client can have read the 101).
  let onNextConnect: ((ws: WebSocket, topics: Set<string>) => void) | null = null;

  const routeOf = (method: string, path: string): FakeRoute | null => {
    if (method === 'POST' && path === '/oauth/token') return 'token';
    if (method === 'GET' && path === '/oauth/authorize') return 'authorize';
    if (method === 'GET' && path === '/api/v2/users/me') return 'me';
    if (method === 'POST' && path === '/api/v2/notifications/channels') return 'channels';
    if ((method === 'PUT' || method === 'POST') && /^\/api\/v2\/notifications\/channels\/[^/]+\/subscriptions$/.test(path)) return 'subscriptions';
    if (method === 'GET' && /^\/api\/v2\/conversations\/(calls\/)?[^/]+$/.test(path)) return 'call';
    if (method === 'GET' && /^\/api\/v2\/users\/[^/]+$/.test(path)) return 'user';
    if (method === 'POST' && path === '/api/v2/conversations/messages/agentless') return 'agentless';
    return null;
  };

  const handle = (req: GenesysRequest, host: string): Answer => {
    const path = req.url.split('?')[0]!;
    const route = routeOf(req.method, path);
    if (!route) return genesysError(404, 'not.found', `No route ${req.method} ${path}`);
    const i = script.findIndex((s) => s.route === route);
    if (i >= 0) return script.splice(i, 1)[0]!.answer;

    if (route === 'token' && new URLSearchParams(req.raw.toString()).get('grant_type') === 'authorization_code') {
      // PKCE (RFC 7636): the client id in the form, no secret; the verifier's S256 must be the challenge.
      const f = new URLSearchParams(req.raw.toString());
      const bad = (description: string): Answer => ({ status: 400, body: { error: 'invalid_grant', description, error_description: description } });
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return { status: 400,
        body: { error: 'invalid_request', description: 'form body expected' } };
      const grant = codes.get(f.get('code') ?? '');
      if (!grant) return bad('authorization code not found, expired or already used');
      codes.delete(f.get('code')!);
      if (f.get('client_id') !== grant.clientId) return { status: 400, body: { error: 'invalid_client', description: 'client_id does not match the code' } };
      if (f.get('redirect_uri') !== grant.redirectUri) return bad('redirect_uri does not match the authorization request');
      const verifier = f.get('code_verifier') ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return bad('code_verifier must be 43 to 128 unreserved characters');
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return bad('code_verifier does not match the code_challenge');
      const token = randomUUID();
      tokens.set(token, grant.userId);
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: 86399 } };
    }
    if (route === 'token') {
      const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return { status: 400,
        body: { error: 'invalid_request', description: 'form body expected' } };
      if (new URLSearchParams(req.raw.toString()).get('grant_type') !== 'client_credentials') return { status: 400,
        body: { error: 'unsupported_grant_type', description: 'grant_type' } };
      if (req.headers.authorization !== expected) return { status: 400, body: { error: 'invalid_client', description: 'client not found' } };
      const token = randomUUID();
      tokens.set(token, null);
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: 86399 } };
    }
    if (route === 'authorize') {
      // The login page would ask who you are; the test says so with signInAs. Each browser client
      // has one grant type: the implicit client answers response_type=token, the PKCE one code.
      const q = new URLSearchParams(req.url.split('?')[1] ?? '');
      const grant = q.get('client_id') === FAKE_BROWSER_CLIENT_ID ? 'token' : q.get('client_id') === FAKE_PKCE_CLIENT_ID ? 'code' : null;
      if (!grant || !q.get('redirect_uri')) return { status: 400, body: 'unknown client_id, or no redirect_uri' };
      if (q.get('response_type') !== grant) {
        return { status: 400, body: `unauthorized_client: this client does not allow response_type=${q.get('response_type')}` };
      }
      if (!signedIn) return { status: 401, body: 'sign in to Genesys Cloud first' };
      if (grant === 'code') {
        if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '')) {
          return { status: 400, body: 'invalid_request: a Code Authorization client without a secret needs code_challenge with code_challenge_method=S256' };
        }
        const code = randomUUID().replace(/-/g, '');
        codes.set(code, { userId: signedIn, clientId: FAKE_PKCE_CLIENT_ID, redirectUri: q.get('redirect_uri')!, challenge: q.get('code_challenge')! });
        const back = new URLSearchParams({ code, ...(q.get('state') ? { state: q.get('state')! } : {}) });
        return { status: 302, body: '', headers: { location: `${q.get('redirect_uri')}?${back.toString()}` } };
      }
      const token = randomUUID();
      tokens.set(token, signedIn);
      const back =
        new URLSearchParams({ access_token: token, expires_in: '86399', token_type: 'bearer', ...(q.get('state') ? { state: q.get('state')! } : {}) });
      return { status: 302, body: '', headers: { location: `${q.get('redirect_uri')}#${back.toString()}` } };
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) return genesysError(401, 'bad.credentials', 'Invalid login credentials.');
    if (route === 'me') {
      const u = users.get(tokens.get(bearer) ?? '');
      return u ? { status: 200, body: { ...u, state: 'active', selfUri: `/api/v2/users/${u.id}` } }
        : genesysError(404, 'not.found', 'No user for a client credentials token');
    }

    if (route === 'channels') {
      const id = `streaming-0-${randomUUID().replace(/-/g, '').slice(0, 26)}`;
      const ttl = nextChannelTtlMs;
      nextChannelTtlMs = null;
      channels.set(id, { topics: new Set(), sockets: new Set() });
      return { status: 200, body: { connectUri: `ws://${host}/channels/${id}`, id, expires: new Date(Date.now() + (ttl ?? 24 * 3600_000)).toISOString() } };
    }
    if (route === 'subscriptions') {
      const id = decodeURIComponent(path.split('/')[5]!);
      const ch = channels.get(id);
      if (!ch) return genesysError(404, 'not.found', `Channel ${id} not found`);
      let list: { id?: unknown }[];
      try {
        list = JSON.parse(req.raw.toString()) as { id?: unknown }[];
        if (!Array.isArray(list)) throw new Error('not a list');
      } catch {
        return genesysError(400, 'bad.request', 'The request could not be understood by the server due to malformed syntax.');
      }
      const topics = list.map((t) => t.id).filter((t): t is string => typeof t === 'string');
      if (topics.some((t) =>
        !/^v2\.(users|routing\.queues)\.[0-9a-f-]+\.conversations\.calls$/.test(t))) return genesysError(400, 'bad.request', 'Invalid topic');
      subscribeCalls++;
      if (req.method === 'PUT') ch.topics.clear();
      for (const t of topics) ch.topics.add(t);
      return { status: 200, body: { entities: [...ch.topics].map((t) => ({ id: t })) } };
    }
    if (route === 'call') {
      const id = decodeURIComponent(path.split('/').at(-1)!);
      const call = calls.get(id);
      return call ? { status: 200, body: structuredClone(call) } : genesysError(404, 'not.found', `Conversation ${id} not found`);
    }
    if (route === 'user') {
      const u = users.get(decodeURIComponent(path.split('/').at(-1)!));
      return u ? { status: 200, body: { ...u, state: 'active', selfUri: `/api/v2/users/${u.id}` } } : genesysError(404, 'not.found', 'User not found');
    }
    // agentless
    if (req.headers['content-type'] !== 'application/json') return genesysError(415, 'unsupported.media.type', 'application/json expected');
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(req.raw.toString()) as Record<string, unknown>;
    } catch {
      return genesysError(400, 'bad.request', 'malformed JSON');
    }
    if (b.toAddressMessengerType !== 'sms') return genesysError(400, 'bad.request', 'toAddressMessengerType must be sms');
    if (typeof b.fromAddress !== 'string' ||
      !smsNumbers.has(b.fromAddress)) return genesysError(400, 'bad.request', `fromAddress ${String(b.fromAddress)} is not a provisioned SMS number`);
    if (typeof b.toAddress !== 'string' || !/^\+[1-9]\d{6,14}$/.test(b.toAddress) ||
      b.toAddress === '+15005550001') return genesysError(400, 'bad.request', `The toAddress ${String(b.toAddress)} is not a valid E.164 phone number`);
    if (typeof b.textBody !== 'string' || !b.textBody) return genesysError(400, 'bad.request', 'textBody is required');
    if ([...b.textBody].length > 765) return genesysError(400, 'bad.request', 'textBody exceeds the maximum of 765 characters for SMS');
    const msg = { id: randomUUID(), fromAddress: b.fromAddress, toAddress: b.toAddress, textBody: b.textBody };
    sent.push(msg);
    return { status: 202, body: { ...msg, conversationId: randomUUID(), messengerType: 'sms', timestamp: new Date().toISOString(),
      selfUri: `/api/v2/conversations/messages/${msg.id}` } };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: GenesysRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) };
      requests.push(r);
      const a = handle(r, req.headers.host ?? '127.0.0.1');
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const id = /^\/channels\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const ch = id ? channels.get(id) : undefined;
    if (!ch) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      ch.sockets.add(ws);
      const greet = onNextConnect;
      onNextConnect = null;
      greet?.(ws, ch.topics);
      ws.on('close', () => ch.sockets.delete(ws));
      ws.on('error', () => ch.sockets.delete(ws));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };

  const liveSockets = () => [...channels.values()].flatMap((c) => [...c.sockets]);
  const sendRaw = (ws: WebSocket, data: string) => ws.readyState === ws.OPEN && ws.send(data);
  const topicsOf = (call: FakeCall) => {
    const topics = new Set<string>();
    for (const p of call.participants) {
      if (p.user) topics.add(`v2.users.${p.user.id}.conversations.calls`);
      if (p.queue) topics.add(`v2.routing.queues.${p.queue.id}.conversations.calls`);
    }
    return topics;
  };
  const notification = (topic: string, call: FakeCall) =>
    JSON.stringify({ topicName: topic, version: '2', eventBody: structuredClone(call), metadata: { CorrelationId: randomUUID() } });
  const publish = (call: FakeCall) => {
    for (const ch of channels.values()) {
      for (const topic of topicsOf(call)) {
        if (!ch.topics.has(topic)) continue;
        for (const ws of ch.sockets) sendRaw(ws, notification(topic, call));
      }
    }
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    sent,
    calls,
    get connections() {
      return connections;
    },
    get subscribeCalls() {
      return subscribeCalls;
    },
    /** Topics of every channel that has a live socket. */
    liveTopics(): string[] {
      return [...channels.values()].filter((c) => c.sockets.size > 0).flatMap((c) => [...c.topics]);
    },
    /** Who the login page signs in (the agent at the browser), or nobody. */
    signInAs(userId: string | null) {
      signedIn = userId;
    },
    addUser(id: string, name: string) {
      users.set(id, { id, name });
    },
    /** The secret changes in Genesys (rotated or the client revoked): tokens already given stop working. */
    revokeClient(newSecret = 'rotated-secret') {
      clientSecret = newSecret;
      tokens.clear();
    },
    /** An outbound campaign call: the customer is dialed, then an agent joins from a queue. */
    startCall(o: { id?: string; customerPhone: string; queueId?: string }): FakeCall {
      const call: FakeCall = { id: o.id ?? randomUUID(),
        participants: [{ id: randomUUID(), purpose: 'customer', state: 'dialing', address: `tel:${o.customerPhone}`, name: 'Mobile Number, United States' }] };
      if (o.queueId) call.participants.push({ id: randomUUID(), purpose: 'acd', state: 'connected', queue: { id: o.queueId } });
      calls.set(call.id, call);
      publish(call);
      return call;
    },
    connectAgent(callId: string, userId: string, queueId?: string) {
      const call = calls.get(callId)!;
      for (const p of call.participants) if (p.purpose === 'customer') p.state = 'connected';
      for (const p of call.participants) if (p.purpose === 'acd') p.state = 'disconnected';
      call.participants.push({ id: randomUUID(), purpose: 'agent', state: 'connected', user: { id: userId }, ...(queueId ? { queue: { id: queueId } } : {}),
        name: users.get(userId)?.name });
      publish(call);
    },
    /** One side hangs up; `silently` changes the call without a notification (a message lost in a gap). */
    hangUp(callId: string, who: 'customer' | 'agent', o: { silently?: boolean } = {}) {
      const call = calls.get(callId)!;
      for (const p of call.participants) if (p.purpose === who) p.state = 'disconnected';
      for (const p of call.participants) if (p.state === 'connected') p.state = 'disconnected';
      if (!o.silently) publish(call);
    },
    /** Publishes the call on the next stream socket the moment it is upgraded, in the same breath as the 101. */
    publishOnNextConnect(callId: string) {
      onNextConnect = (ws, topics) => {
        const call = calls.get(callId)!;
        for (const topic of topicsOf(call)) if (topics.has(topic)) sendRaw(ws, notification(topic, call));
      };
    },
    /** Publishes the call as it stands (a duplicate notification). */
    republish(callId: string) {
      publish(calls.get(callId)!);
    },
    heartbeat() {
      for (const ws of liveSockets()) sendRaw(ws, JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } }));
    },
    socketClosing() {
      for (const ws of liveSockets()) sendRaw(ws, JSON.stringify({ topicName: 'v2.system.socket_closing', eventBody: { message: 'Socket closing' } }));
    },
    /**
     * Genesys drops every channel's subscriptions (a permission taken away, the token revoked) and
     * says so with a system message on the channel (SystemMessage: channelId, systemTopicType, reason).
     */
    dropSubscriptions(kind: 'no_longer_subscribed' | 'token_revoked' = 'no_longer_subscribed') {
      for (const [id, ch] of channels) {
        if (ch.sockets.size === 0) continue;
        ch.topics.clear();
        const msg = JSON.stringify({ topicName: `v2.system.${kind}.${id}`, version: '2',
          eventBody: { channelId: id, systemTopicType: kind, reason: 'permissions', message: 'Subscriptions removed' } });
        for (const ws of ch.sockets) sendRaw(ws, msg);
      }
    },
    sendRaw(data: string) {
      for (const ws of liveSockets()) sendRaw(ws, data);
    },
    /** Cuts every stream socket (a network drop). */
    dropSockets() {
      for (const ws of liveSockets()) ws.terminate();
    },
    /** The next channel created lives this long (its `expires`); later ones 24 hours. */
    expireNextChannelIn(ms: number) {
      nextChannelTtlMs = ms;
    },
    /** Forgets every channel, as Genesys does when a channel expires. */
    expireChannels() {
      for (const ch of channels.values()) for (const ws of ch.sockets) ws.close(1000, 'channel expired');
      channels.clear();
    },
    /** The next request to `route` gets these answers, in order. */
    answerNext(route: FakeRoute, ...answers: Answer[]) {
      for (const answer of answers) script.push({ route, answer });
    },
    close: async () => {
      for (const ws of liveSockets()) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type FakeGenesys = Awaited<ReturnType<typeof startFakeGenesys>>;
