import type { AgentServerMessage, CaptureServerMessage, CloseCodeName } from '@tandem/protocol';
import { RELAY_KIND, type RelayKind } from './relay-envelope.ts';
import type { RelayPeer } from './session-relay.ts';

/** What the remote peers need of the node's relay link: publishing, with what is still in flight counted. */
export interface RelayPublisher {
  readonly nodeId: string;
  /** Publishes on a channel; `done` runs when Redis took it or it was dropped. False when not sent at all. */
  publish(channel: string, kind: RelayKind, sessionId: string, payload: Uint8Array | string, done: () => void): boolean;
}

/**
 * On the owner node, every other node with agents of the session is one agent of its relay: the
 * relay's stale, catch-up and backlog rules apply to the node as a whole, its backlog being what
 * was published to Redis for it and not yet taken.
 */
export class RemoteAgentPeer implements RelayPeer {
  agents = 1;
  private pending = 0;

  constructor(
    private readonly pub: RelayPublisher,
    readonly node: string,
    private readonly sessionId: string,
    private readonly channel: string,
    private readonly dropped: (peer: RemoteAgentPeer) => void,
  ) {}

  private send(kind: RelayKind, payload: Uint8Array | string) {
    const bytes = typeof payload === 'string' ? payload.length : payload.byteLength;
    this.pending += bytes;
    if (!this.pub.publish(this.channel, kind, this.sessionId, payload, () => (this.pending -= bytes))) this.pending -= bytes;
  }

  sendFrame(frame: Uint8Array) {
    this.send(RELAY_KIND.FRAME, frame);
  }

  sendJson(message: AgentServerMessage) {
    this.send(RELAY_KIND.TO_AGENTS, JSON.stringify(message));
  }

  bufferedAmount() {
    return this.pending;
  }

  agentCount() {
    return this.agents;
  }

  /** The relay cut the node off (too far behind): it is told to join again, from a fresh catch-up. */
  close(_name: CloseCodeName) {
    this.dropped(this);
  }
}

/** Messages a mirror's agents may send to the page through the owner. */
const TO_PAGE = new Set<CaptureServerMessage['type']>(['agent.pointer', 'agent.highlight', 'control.request', 'control.command']);

/** What the link can queue towards the owner; past it, agents' messages (mostly pointer moves) are dropped. */
export const LINK_BACKLOG_BYTES = 64 * 1024;

/**
 * On a node with agents but not the page, the relay's page side: what the relay would tell the
 * page goes to the owner node instead. Control state and the session's end are not forwarded: the
 * owner hears them from the bus itself.
 */
export class RemoteCaptureLink implements RelayPeer {
  private pending = 0;

  constructor(private readonly pub: RelayPublisher, private readonly sessionId: string, private readonly channel: string) {}

  private send(kind: RelayKind, payload: string) {
    if (this.pending > LINK_BACKLOG_BYTES) return;
    this.pending += payload.length;
    if (!this.pub.publish(this.channel, kind, this.sessionId, payload, () => (this.pending -= payload.length))) this.pending -= payload.length;
  }

  /** Asks the owner for the stream from its start (a new mirror, or after the owner changed or Redis came back). */
  join() {
    this.send(RELAY_KIND.JOIN, '');
  }

  leave() {
    this.send(RELAY_KIND.LEAVE, '');
  }

  sendJson(message: CaptureServerMessage) {
    switch (message.type) {
      case 'agent.presence':
        return this.send(RELAY_KIND.PRESENCE, String(message.agents));
      case 'snapshot.request':
        return message.reason === 'agent_joined' ? this.join() : this.send(RELAY_KIND.RESYNC, message.reason);
      default:
        if (TO_PAGE.has(message.type)) this.send(RELAY_KIND.TO_PAGE, JSON.stringify(message));
    }
  }

  sendFrame() {
    // The relay sends the page no frames.
  }

  /** Nothing waits here for long: the link drops rather than queues. */
  bufferedAmount() {
    return 0;
  }

  close() {
    // The link's channels are left by the node's relay cluster when the session's role changes.
  }
}

/** Whether a message from another node is one a page may be sent (a node never forwards more). */
export function isToPage(message: unknown): message is CaptureServerMessage {
  return typeof message === 'object' && message !== null && TO_PAGE.has((message as { type: CaptureServerMessage['type'] }).type);
}
