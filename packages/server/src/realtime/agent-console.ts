import type { AgentClientMessage, AgentServerMessage, CloseCodeName } from '@tandem/protocol';
import type { Services } from '../wiring/services.ts';
import { wireError } from '../shared/wire-error.ts';
import type { AgentClaims } from '../auth/token-service.ts';
import { concernsConversation, orgEventsTopic } from '../shared/topics.ts';
import { DomainError } from '../shared/domain-error.ts';
import { StoreUnavailableError } from '../shared/store-unavailable.ts';
import { loadAgentView } from './agent-view.ts';
import type { RelayRegistry } from './relay-registry.ts';
import type { SessionRelay } from './session-relay.ts';
import type { SocketConnection, SocketHandler } from './socket-connection.ts';

export type AgentIdentity = AgentClaims;
export type AgentConnection = SocketConnection<typeof AgentClientMessage, AgentIdentity>;

/** What the gateway learns of a console: whose API client it is, and when it is gone. */
export interface AgentRoster {
  authenticated(clientId: string): void;
  closed(): void;
}

/**
 * One agent console on one call: it follows the call's events (the timeline) and its view,
 * makes invites and claims codes for that call, and joins the relay while a session is live.
 */
export class AgentConsole implements SocketHandler<typeof AgentClientMessage, AgentIdentity> {
  private relay: SessionRelay | null = null;
  private lastSeq = 0;
  private unsubscribe: (() => Promise<void>) | null = null;
  private offResume: (() => void) | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;

  constructor(
    private readonly conn: AgentConnection,
    private readonly s: Services,
    private readonly relays: RelayRegistry,
    private readonly roster: AgentRoster,
  ) {}

  private send(m: AgentServerMessage) {
    this.conn.sendJson(m);
  }

  async authenticate(msg: AgentClientMessage): Promise<AgentIdentity | CloseCodeName> {
    if (msg.type !== 'auth') return 'PROTOCOL_VIOLATION';
    return this.s.tokens.verifyAgent(msg.token).catch((err: unknown): CloseCodeName => {
      // The revocation check could not read the store: the console is told to come back (1013), not that its token is bad.
      if (err instanceof StoreUnavailableError) throw err;
      return 'UNAUTHORIZED';
    });
  }

  async ready(claims: AgentIdentity) {
    const { conn } = this;
    this.roster.authenticated(claims.clientId);
    // The customer's page first: a live session's relay hands over its cached snapshot
    // now, before the call's view and timeline are read (bench: agent join). The view
    // below is read after and leaves the session again if it ended meanwhile.
    const [latest] = await this.s.sessions.list(claims.orgId, { conversationId: claims.conversationId, limit: 1 });
    if (conn.open && latest?.state === 'active') this.joinOrLeave(claims, latest.id);
    this.unsubscribe = await this.s.bus.subscribe(orgEventsTopic(claims.orgId), (m) => {
      if (concernsConversation(m, claims.conversationId)) void this.refresh(claims).catch((err) => this.s.log.warn({ err }, 'agent refresh failed'));
    });
    // The console has no poll: events stored while the bus was down are read when it is back.
    this.offResume = this.s.bus.onResume(() => void this.refresh(claims).catch((err) => this.s.log.warn({ err }, 'agent refresh failed')));
    if (!conn.open) this.offResume();
    const view = await loadAgentView(this.s, claims.orgId, claims.conversationId, 'reconnecting');
    if (!conn.open) return;
    if (view.conversationState === 'disconnected') return conn.close('CALL_ENDED');
    this.joinOrLeave(claims, view.session?.state === 'active' ? view.session.id : null);
    // The relay told the customer's link before this view existed on the console's side:
    // the view carries it as it is now.
    const customerLink = view.session?.state === 'active' ? (this.relay?.customerLink ?? 'reconnecting') : view.customerLink;
    this.send({ type: 'ready', agentId: claims.agentId, view: { ...view, customerLink } });
    await this.refresh(claims);
  }

  closed() {
    this.roster.closed();
    void this.unsubscribe?.();
    this.offResume?.();
    if (this.relay) this.relays.leave(this.relay, this.conn);
  }

  private joinOrLeave(claims: AgentIdentity, sessionId: string | null) {
    if (this.relay && this.relay.sessionId !== sessionId) {
      this.relays.leave(this.relay, this.conn);
      this.relay = null;
    }
    if (sessionId && !this.relay) this.relay = this.relays.join(sessionId, claims.orgId, claims.conversationId, this.conn);
  }

  /** Reads new events of the call and the current view; one pass at a time. */
  private refresh(claims: AgentIdentity): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        if (!this.conn.open) return;
        const events = await this.s.eventLog.list(claims.orgId, { after: this.lastSeq, limit: 500, conversationId: claims.conversationId });
        for (const e of events) {
          this.lastSeq = e.seq;
          this.send({ type: 'event', event: { seq: e.seq, type: e.type, occurredAt: e.occurredAt, data: e.data } });
        }
        if (events.length || !this.relay) {
          const live = await loadAgentView(this.s, claims.orgId, claims.conversationId, this.relay?.customerLink ?? 'reconnecting');
          this.joinOrLeave(claims, live.session?.state === 'active' ? live.session.id : null);
          const customerLink = live.session?.state === 'active' ? (this.relay?.customerLink ?? 'reconnecting') : live.customerLink;
          this.send({ type: 'view', view: { ...live, customerLink } });
          // The token ends with its call: the console has the last events and view, then the link closes.
          if (live.conversationState === 'disconnected') return this.conn.close('CALL_ENDED');
        }
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  handle(claims: AgentIdentity, msg: AgentClientMessage) {
    void this.run(claims, msg).catch((err: unknown) => {
      const shaped = wireError(err);
      if (shaped.kind === 'domain') return this.send({ type: 'error', code: shaped.code, message: shaped.detail });
      if (shaped.kind === 'store_unavailable') {
        return this.send({ type: 'error', code: shaped.code, message: 'The database is not reachable; try again in a few seconds.' });
      }
      this.s.log.error({ err }, 'agent message failed');
      this.send({ type: 'error', code: shaped.code, message: 'Something went wrong; try again.' });
    });
  }

  private async run(claims: AgentIdentity, msg: AgentClientMessage) {
    const { relay } = this;
    switch (msg.type) {
      case 'invite.create':
        await this.s.invites.create(claims.orgId, { conversationId: claims.conversationId, ...(msg.channels ? { channels: msg.channels } : {}) });
        return;
      case 'code.claim':
        await this.s.supportCodes.claim(claims.orgId, `agent:${claims.agentId}`, msg.code, claims.conversationId);
        return;
      case 'session.end': {
        if (!relay) throw new DomainError('session_not_found', 'There is no live session to end.');
        await this.s.sessions.end(claims.orgId, relay.sessionId, 'agent_ended');
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
        return msg.reason === 'drift' ? relay.refresh() : relay.resync(this.conn);
      case 'control.request':
        return relay.toCapture({ type: 'control.request' });
      case 'control.command': {
        // Control is checked against the stored consent on every command, not cached.
        const session = await this.s.sessions.get(claims.orgId, relay.sessionId);
        if (!session.control || session.state !== 'active') {
          throw new DomainError('invalid_state', 'The customer has not granted control (or has revoked it).',
            { currentState: session.control ? session.state : 'no_control' });
        }
        return relay.toCapture({ type: 'control.command', id: msg.id, command: msg.command });
      }
    }
  }
}
