import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WebSocketServer, type WebSocket } from 'ws';
import { AgentClientMessage, CLOSE_CODES, type AgentServerMessage, type CloseCodeName } from '@tandem/protocol';
import type { Services } from '../api/services.ts';
import { concernsConversation, orgEventsTopic } from '../domain/deps.ts';
import { CLIENT_STATUS_TTL_MS } from '../auth/client-status.ts';
import { DomainError } from '../domain/domain-error.ts';
import { StoreUnavailableError } from '../store/store-unavailable.ts';
import { listEvents } from '../events/event-log.ts';
import { loadAgentView } from './agent-view.ts';
import type { RelayRegistry } from './relay-registry.ts';
import type { SessionRelay } from './session-relay.ts';
import { wsPeer } from './ws-peer.ts';
import { asBuffer, readJsonMessage } from './json-message.ts';

const checkMessage = TypeCompiler.Compile(AgentClientMessage);

export const AGENT_PATH = '/v1/agent';
const AUTH_TIMEOUT_MS = 10_000;
const MAX_MESSAGE_BYTES = 16 * 1024;
const RATE_WINDOW_MS = 5_000;
const RATE_MAX = 1_000;

/**
 * The agent console's socket: one agent on one call. It follows the call's events (the timeline),
 * makes invites and claims codes for that call, and joins the relay when a session is live.
 */
export class AgentGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  /** Authenticated consoles and the API client their token came from, checked for revocation. */
  private readonly live = new Map<WebSocket, string>();
  private readonly revocationTimer: NodeJS.Timeout;

  constructor(private readonly s: Services, private readonly relays: RelayRegistry) {
    this.revocationTimer = setInterval(() => void this.closeRevoked().catch((err) => this.s.log.warn({ err }, 'agent revocation check failed')), CLIENT_STATUS_TTL_MS);
    this.revocationTimer.unref();
  }

  /** A revoked API client's consoles are cut off within seconds, not when their tokens expire. */
  private async closeRevoked() {
    const revoked = new Set<string>();
    for (const clientId of new Set(this.live.values())) {
      if (!(await this.s.tokens.clientActive(clientId))) revoked.add(clientId);
    }
    if (!revoked.size) return;
    for (const [ws, clientId] of this.live) if (revoked.has(clientId)) this.close(ws, 'UNAUTHORIZED');
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private close(ws: WebSocket, name: CloseCodeName) {
    const { code, reason } = CLOSE_CODES[name];
    ws.close(code, reason);
  }

  private accept(ws: WebSocket) {
    const peer = wsPeer(ws);
    const send = (m: AgentServerMessage) => peer.sendJson(m);
    let auth: { orgId: string; agentId: string; conversationId: string } | null = null;
    let authing = false;
    let relay: SessionRelay | null = null;
    let lastSeq = 0;
    let unsubscribe: (() => Promise<void>) | null = null;
    let offResume: (() => void) | null = null;
    let refreshing: Promise<void> | null = null;
    let refreshAgain = false;
    let windowStart = Date.now();
    let count = 0;
    const authTimer = setTimeout(() => this.close(ws, 'UNAUTHORIZED'), AUTH_TIMEOUT_MS);

    const joinOrLeave = (sessionId: string | null) => {
      if (relay && relay.sessionId !== sessionId) {
        relay.removeAgent(peer);
        this.relays.release(relay);
        relay = null;
      }
      if (sessionId && !relay && auth) {
        relay = this.relays.obtain(sessionId, auth.orgId, auth.conversationId);
        relay.addAgent(peer);
      }
    };

    // Reads new events of the call and the current view; one pass at a time.
    const refresh = async (): Promise<void> => {
      if (refreshing) {
        refreshAgain = true;
        return refreshing;
      }
      refreshing = (async () => {
        do {
          refreshAgain = false;
          if (!auth || ws.readyState !== ws.OPEN) return;
          const events = await listEvents(this.s.db, auth.orgId, { after: lastSeq, limit: 500, conversationId: auth.conversationId });
          for (const e of events) {
            lastSeq = e.seq;
            send({ type: 'event', event: { seq: e.seq, type: e.type, occurredAt: e.occurredAt, data: e.data } });
          }
          if (events.length || !relay) {
            const live = await loadAgentView(this.s, auth.orgId, auth.conversationId, relay?.customerLink ?? 'reconnecting');
            const sessionId = live.session?.state === 'active' ? live.session.id : null;
            joinOrLeave(sessionId);
            send({ type: 'view', view: { ...live, customerLink: live.session?.state === 'active' ? (relay?.customerLink ?? 'reconnecting') : live.customerLink } });
            // The token ends with its call: the console has the last events and view, then the link closes.
            if (live.conversationState === 'disconnected') return this.close(ws, 'CALL_ENDED');
          }
        } while (refreshAgain);
      })().finally(() => {
        refreshing = null;
      });
      return refreshing;
    };

    // ws reports protocol faults (e.g. a frame over maxPayload, closed with 1009) as errors on the
    // socket; unhandled, one bad client would crash the server.
    ws.on('error', (err) => this.s.log.debug({ err }, 'socket error'));
    ws.on('close', () => {
      this.live.delete(ws);
      clearTimeout(authTimer);
      void unsubscribe?.();
      offResume?.();
      if (relay) {
        relay.removeAgent(peer);
        this.relays.release(relay);
      }
    });

    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart > RATE_WINDOW_MS) {
        windowStart = now;
        count = 0;
      }
      if (++count > RATE_MAX) return this.close(ws, 'RATE_LIMITED');
      const buf = asBuffer(data);
      if (buf.byteLength > MAX_MESSAGE_BYTES) return this.close(ws, 'MESSAGE_TOO_LARGE');
      if (isBinary) return this.close(ws, 'MALFORMED_MESSAGE');
      const msg = readJsonMessage(buf, checkMessage);
      if (!msg) return this.close(ws, 'MALFORMED_MESSAGE');
      if (msg.type === 'auth') {
        if (auth || authing) return this.close(ws, 'PROTOCOL_VIOLATION');
        authing = true;
        this.s.tokens.verifyAgent(msg.token).then(
          async (claims) => {
            clearTimeout(authTimer);
            if (ws.readyState !== ws.OPEN) return;
            auth = claims;
            this.live.set(ws, claims.clientId);
            // The customer's page first: a live session's relay hands over its cached snapshot
            // now, before the call's view and timeline are read (bench: agent join). The view
            // below is read after and leaves the session again if it ended meanwhile.
            const [latest] = await this.s.sessions.list(claims.orgId, { conversationId: claims.conversationId, limit: 1 });
            if (ws.readyState === ws.OPEN && latest?.state === 'active') joinOrLeave(latest.id);
            unsubscribe = await this.s.bus.subscribe(orgEventsTopic(claims.orgId), (m) => {
              if (concernsConversation(m, claims.conversationId)) void refresh().catch((err) => this.s.log.warn({ err }, 'agent refresh failed'));
            });
            // The console has no poll: events stored while the bus was down are read when it is back.
            offResume = this.s.bus.onResume(() => void refresh().catch((err) => this.s.log.warn({ err }, 'agent refresh failed')));
            if (ws.readyState !== ws.OPEN) offResume();
            const view = await loadAgentView(this.s, claims.orgId, claims.conversationId, 'reconnecting');
            if (ws.readyState !== ws.OPEN) return;
            if (view.conversationState === 'disconnected') return this.close(ws, 'CALL_ENDED');
            joinOrLeave(view.session?.state === 'active' ? view.session.id : null);
            // The relay told the customer's link before this view existed on the console's side:
            // the view carries it as it is now.
            const customerLink = view.session?.state === 'active' ? (relay?.customerLink ?? 'reconnecting') : view.customerLink;
            send({ type: 'ready', agentId: claims.agentId, view: { ...view, customerLink } });
            await refresh();
          },
          // The client's status is read from the store: while it is down the console tries again.
          (err: unknown) => this.close(ws, err instanceof StoreUnavailableError ? 'TRY_AGAIN_LATER' : 'UNAUTHORIZED'),
        ).catch((err: unknown) => {
          // The store failed while the console was being set up: it reconnects and tries again.
          if (err instanceof StoreUnavailableError) return this.close(ws, 'TRY_AGAIN_LATER');
          this.s.log.error({ err }, 'agent console setup failed');
          this.close(ws, 'INTERNAL_ERROR');
        });
        return;
      }
      if (!auth) return this.close(ws, 'UNAUTHORIZED');
      void this.handle(auth, msg, relay, peer).catch((err) => {
        if (err instanceof DomainError) return send({ type: 'error', code: err.code, message: err.detail });
        if (err instanceof StoreUnavailableError) return send({ type: 'error', code: 'store_unavailable', message: 'The database is not reachable; try again in a few seconds.' });
        this.s.log.error({ err }, 'agent message failed');
        send({ type: 'error', code: 'internal_error', message: 'Something went wrong; try again.' });
      });
    });
  }

  private async handle(auth: { orgId: string; agentId: string; conversationId: string }, msg: AgentClientMessage, relay: SessionRelay | null, peer: ReturnType<typeof wsPeer>) {
    switch (msg.type) {
      case 'invite.create':
        await this.s.invites.create(auth.orgId, { conversationId: auth.conversationId, ...(msg.channels ? { channels: msg.channels } : {}) });
        return;
      case 'code.claim':
        await this.s.supportCodes.claim(auth.orgId, `agent:${auth.agentId}`, msg.code, auth.conversationId);
        return;
      case 'session.end': {
        if (!relay) throw new DomainError('session_not_found', 'There is no live session to end.');
        await this.s.sessions.end(auth.orgId, relay.sessionId, 'agent_ended');
        return;
      }
    }
    if (!relay) throw new DomainError('session_not_found', 'The customer is not sharing yet.');
    switch (msg.type) {
      case 'pointer':
        return relay.toCapture({ type: 'agent.pointer', x: msg.x, y: msg.y, visible: msg.visible });
      case 'highlight':
        return relay.toCapture({ type: 'agent.highlight', nodeId: msg.nodeId });
      case 'snapshot.request':
        return relay.resync(peer);
      case 'control.request':
        return relay.toCapture({ type: 'control.request' });
      case 'control.command': {
        // Control is checked against the stored consent on every command, not cached.
        const session = await this.s.sessions.get(auth.orgId, relay.sessionId);
        if (!session.control || session.state !== 'active') {
          throw new DomainError('invalid_state', 'The customer has not granted control (or has revoked it).', { currentState: session.control ? session.state : 'no_control' });
        }
        return relay.toCapture({ type: 'control.command', id: msg.id, command: msg.command });
      }
    }
  }

  closeAll() {
    clearInterval(this.revocationTimer);
    for (const ws of this.wss.clients) this.close(ws, 'SERVER_SHUTDOWN');
  }
}
