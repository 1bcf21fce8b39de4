import type { AgentServerMessage, CaptureServerMessage, CustomerLink } from '@tandem/protocol';
import { FRAME_KIND, decodeFrameHeader } from '@tandem/protocol';

/** One end of the relay as the relay sees it: something to send to, and its backlog. */
export interface RelayPeer {
  sendFrame(frame: Uint8Array): void;
  sendJson(message: object): void;
  /** Bytes queued in the socket and not yet sent. */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface RelayLimits {
  /** Deltas kept after the snapshot before asking for a new snapshot instead of growing. */
  maxBufferedBytes: number;
  /** An agent with more than this queued stops getting deltas and catches up from a snapshot. */
  agentBacklogBytes: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = { maxBufferedBytes: 4 * 1024 * 1024, agentBacklogBytes: 4 * 1024 * 1024 };

interface AgentSlot {
  peer: RelayPeer;
  /** Behind: gets no deltas until it is sent a snapshot again. */
  stale: boolean;
  /** Joined before any snapshot existed: waits for the first. */
  waiting: boolean;
  /** The cached snapshot this agent was last sent again on its own request. */
  resyncedFrom: Uint8Array | null;
}

/**
 * The live state of one session on this node: the latest full snapshot and the deltas since,
 * bounded, so a late or reconnecting agent starts from them without asking the customer's browser.
 * Frames are routed on their header only; bodies are never parsed.
 */
export class SessionRelay {
  capture: RelayPeer | null = null;
  private readonly agents = new Set<AgentSlot>();
  private snapshot: Uint8Array | null = null;
  private deltas: Uint8Array[] = [];
  private deltaBytes = 0;
  private lastSeq = 0;
  private snapshotRequested = false;
  customerLink: CustomerLink = 'reconnecting';

  constructor(readonly sessionId: string, readonly orgId: string, readonly conversationId: string, private readonly limits: RelayLimits = DEFAULT_RELAY_LIMITS) {}

  get agentCount() {
    return this.agents.size;
  }

  get bufferedBytes() {
    return (this.snapshot?.byteLength ?? 0) + this.deltaBytes;
  }

  /** A customer's page attached (first time, or after a reload or a dropped connection). */
  attachCapture(peer: RelayPeer) {
    this.capture = peer;
    // A new page (or a page that lost its socket) starts over with a full snapshot and new
    // numbering; what was cached belongs to the old stream, so agents wait for the new start.
    this.lastSeq = 0;
    this.snapshot = null;
    this.deltas = [];
    this.deltaBytes = 0;
    this.snapshotRequested = false;
    for (const a of this.agents) a.waiting = true;
    this.setLink('connected');
    this.toCapture({ type: 'agent.presence', agents: this.agents.size });
  }

  detachCapture(peer: RelayPeer) {
    if (this.capture !== peer) return;
    this.capture = null;
    this.setLink('reconnecting');
  }

  setLink(state: CustomerLink) {
    if (this.customerLink === state) return;
    this.customerLink = state;
    this.toAgents({ type: 'customer.link', state });
  }

  /**
   * A binary frame from the page. Returns an error name when the frame must close the socket:
   * a frame the relay cannot route, or a sequence number that goes backwards.
   */
  fromCapture(frame: Uint8Array): 'malformed' | 'out_of_order' | null {
    const h = decodeFrameHeader(frame);
    if (!h) return 'malformed';
    switch (h.kind) {
      case FRAME_KIND.POINTER:
        // Pointer frames are light and latest-wins: never buffered, never sequenced.
        for (const a of this.agents) if (!a.stale && !a.waiting) a.peer.sendFrame(frame);
        return null;
      case FRAME_KIND.SNAPSHOT:
        if (h.seq <= this.lastSeq && this.lastSeq !== 0) return 'out_of_order';
        this.lastSeq = h.seq;
        this.snapshot = frame;
        this.deltas = [];
        this.deltaBytes = 0;
        this.snapshotRequested = false;
        for (const a of this.agents) {
          if (a.peer.bufferedAmount() > this.limits.agentBacklogBytes) {
            a.stale = true;
            continue;
          }
          a.stale = false;
          a.waiting = false;
          a.peer.sendFrame(frame);
        }
        return null;
      case FRAME_KIND.DELTA:
        if (h.seq <= this.lastSeq) return 'out_of_order';
        this.lastSeq = h.seq;
        if (!this.snapshot) return null;
        if (this.deltaBytes + frame.byteLength > this.limits.maxBufferedBytes) {
          // Instead of growing: drop what a late joiner would replay and ask for a new start.
          this.deltas = [];
          this.deltaBytes = 0;
          this.snapshot = null;
          this.requestSnapshot('buffer_full');
        } else {
          this.deltas.push(frame);
          this.deltaBytes += frame.byteLength;
        }
        for (const a of this.agents) {
          if (a.stale || a.waiting) continue;
          if (a.peer.bufferedAmount() > this.limits.agentBacklogBytes) {
            a.stale = true;
            continue;
          }
          a.peer.sendFrame(frame);
        }
        return null;
      default:
        return 'malformed';
    }
  }

  addAgent(peer: RelayPeer) {
    const slot: AgentSlot = { peer, stale: false, waiting: false, resyncedFrom: null };
    this.agents.add(slot);
    peer.sendJson({ type: 'customer.link', state: this.customerLink } satisfies AgentServerMessage);
    this.catchUp(slot);
    this.toCapture({ type: 'agent.presence', agents: this.agents.size });
  }

  removeAgent(peer: RelayPeer) {
    for (const a of this.agents) if (a.peer === peer) this.agents.delete(a);
    this.toCapture({ type: 'agent.presence', agents: this.agents.size });
  }

  /**
   * An agent saw a gap in the sequence: it starts again from the cached snapshot. Asking twice
   * against the same cached snapshot means the cache itself does not read for it (nothing the
   * relay can repair), so the page is asked for a fresh one instead of replaying it in a loop.
   */
  resync(peer: RelayPeer) {
    for (const a of this.agents) {
      if (a.peer !== peer) continue;
      if (this.snapshot && a.resyncedFrom === this.snapshot) {
        a.waiting = true;
        this.requestSnapshot('agent_gap');
        continue;
      }
      a.resyncedFrom = this.snapshot;
      this.catchUp(a);
    }
  }

  /** Stale agents whose socket drained get the cached snapshot and deltas again. */
  serviceStaleAgents() {
    for (const a of this.agents) {
      if (a.stale && a.peer.bufferedAmount() < this.limits.agentBacklogBytes / 4) this.catchUp(a);
    }
  }

  private catchUp(slot: AgentSlot) {
    if (!this.snapshot) {
      slot.waiting = true;
      this.requestSnapshot('agent_joined');
      return;
    }
    slot.stale = false;
    slot.waiting = false;
    slot.peer.sendFrame(this.snapshot);
    for (const d of this.deltas) slot.peer.sendFrame(d);
  }

  private requestSnapshot(reason: 'agent_joined' | 'buffer_full' | 'agent_gap') {
    if (this.snapshotRequested || !this.capture) return;
    this.snapshotRequested = true;
    this.toCapture({ type: 'snapshot.request', reason });
  }

  toCapture(message: CaptureServerMessage) {
    this.capture?.sendJson(message);
  }

  toAgents(message: AgentServerMessage) {
    for (const a of this.agents) a.peer.sendJson(message);
  }

  /** The session ended: both sides are told and closed. */
  end(reason: string, close: { code: number; reason: string }) {
    this.toCapture({ type: 'session.ended', reason });
    this.capture?.close(close.code, close.reason);
    this.capture = null;
    this.snapshot = null;
    this.deltas = [];
    this.deltaBytes = 0;
    this.setLink('gone');
  }
}
