import type { AgentServerMessage, CaptureServerMessage, CloseCodeName, CustomerLink } from '@tandem/protocol';
import { FRAME_KIND, POINTER_BODY_BYTES, FRAME_HEADER_BYTES, RELAY_MAX_FRAME_BYTES, frameKindOf, frameSeqOf } from '@tandem/protocol';
import { ByteBudget } from './byte-budget.ts';
import { DeltaLog } from './delta-log.ts';

/** One end of the relay as the relay sees it: something to send to, and its backlog. */
export interface RelayPeer {
  sendFrame(frame: Uint8Array): void;
  sendJson(message: object): void;
  /** Bytes queued in the socket and not yet sent. */
  bufferedAmount(): number;
  /** Closes with a named close code. */
  close(name: CloseCodeName): void;
  /** How many agents this peer stands for: another node's relay stands for all of its agents there. */
  agentCount?(): number;
}

export interface RelayLimits {
  /** Deltas kept after the snapshot before asking for a new snapshot instead of growing. */
  maxBufferedBytes: number;
  /** An agent with more than this queued stops getting deltas and catches up from a snapshot. */
  agentBacklogBytes: number;
  /** Bytes per second a session's page may send on average, every frame and message counted. */
  captureBytesPerSecond: number;
  /** Bytes a session's page may send at once above that average (a large snapshot). */
  captureBurstBytes: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxBufferedBytes: 4 * 1024 * 1024,
  agentBacklogBytes: 4 * 1024 * 1024,
  captureBytesPerSecond: 1024 * 1024,
  captureBurstBytes: 16 * 1024 * 1024,
};

/**
 * Pointer moves wait while an agent has more than this queued: its newest position is kept
 * (latest wins) and sent once the socket drains. Small, because a queue of 13-byte frames costs
 * far more memory in write requests than its bytes say.
 */
export const POINTER_BACKLOG_BYTES = 16 * 1024;
/** A page that stops reading is cut off once this much waits for it (agent pointers, presence). */
export const CAPTURE_BACKLOG_BYTES = 1024 * 1024;

/** JSON for an agent (link state, control results) may queue this much past its frames. */
export const AGENT_MESSAGE_ALLOWANCE_BYTES = 64 * 1024;

/** The most often one session's page is asked for a snapshot because a replica drifted. */
export const DRIFT_SNAPSHOT_EVERY_MS = 10_000;

/**
 * The most queued for one agent: frames go only while its queue is under the backlog limit (so
 * at most that plus one frame), a catch-up (snapshot and deltas) only once it drained to a
 * quarter, and JSON up to a small allowance beyond; past that the agent is cut off.
 */
export function agentQueueBound(limits: RelayLimits): number {
  return Math.max(limits.agentBacklogBytes + RELAY_MAX_FRAME_BYTES, limits.agentBacklogBytes / 4 + RELAY_MAX_FRAME_BYTES + limits.maxBufferedBytes) +
    AGENT_MESSAGE_ALLOWANCE_BYTES;
}

/**
 * The most one session holds for its sockets on this node, by construction: the cached snapshot
 * and deltas, the page's unread queue, and each agent's queue.
 */
export function sessionMemoryBound(limits: RelayLimits, agents: number): number {
  return RELAY_MAX_FRAME_BYTES + limits.maxBufferedBytes + CAPTURE_BACKLOG_BYTES + agents * agentQueueBound(limits);
}

interface AgentSlot {
  peer: RelayPeer;
  /** Behind: gets no deltas until it is sent a snapshot again. */
  stale: boolean;
  /** Joined before any snapshot existed: waits for the first. */
  waiting: boolean;
  /** The cached snapshot this agent was last sent again on its own request. */
  resyncedFrom: Uint8Array | null;
  /** The newest pointer frame held back while the agent's socket was backed up. */
  pointer: Uint8Array | null;
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
  private readonly deltas: DeltaLog;
  private lastSeq = 0;
  private snapshotRequested = false;
  private lastDriftSnapshotAt = -Infinity;
  customerLink: CustomerLink = 'reconnecting';
  /**
   * Fed by the owner node's relay rather than by a page: a snapshot always starts the stream over
   * (a catch-up, or a new page on the owner) and a delta it already has is skipped, not refused.
   */
  mirror = false;
  /** False on a mirror until the owner node said how the page is: its agents are not told a guess. */
  linkKnown = true;
  /** Per session, not per socket: reconnecting does not refill it. */
  private readonly budget: ByteBudget;
  /** The most this session held at once (cache and socket queues), for the metrics. */
  peakHeldBytes = 0;
  /**
   * An agent is behind or has a pointer position held back: the registry's timer services this
   * relay. The others are skipped, so the timer's cost follows the slow agents, not every session.
   */
  serviceDue = false;

  constructor(readonly sessionId: string, readonly orgId: string, readonly conversationId: string, private readonly limits: RelayLimits = DEFAULT_RELAY_LIMITS,
    now = Date.now()) {
    this.budget = new ByteBudget(limits.captureBytesPerSecond, limits.captureBurstBytes, now);
    this.deltas = new DeltaLog(limits.maxBufferedBytes);
  }

  get agentCount() {
    return this.agents.size;
  }

  /** Agents watching, wherever they are connected (the page shows how many). */
  private presentAgents(): number {
    let n = 0;
    for (const a of this.agents) n += a.peer.agentCount?.() ?? 1;
    return n;
  }

  /** Another node's count of agents changed: the page is told the new total. */
  presenceChanged() {
    this.toCapture({ type: 'agent.presence', agents: this.presentAgents() });
  }

  get bufferedBytes() {
    return (this.snapshot?.byteLength ?? 0) + this.deltas.byteLength;
  }

  /** What this session holds now: its cache and what waits in its sockets' queues. */
  heldBytes(): number {
    let held = this.bufferedBytes + (this.capture?.bufferedAmount() ?? 0);
    for (const a of this.agents) held += a.peer.bufferedAmount();
    return held;
  }

  /**
   * Counts a message from the page (any frame kind, or JSON) against the session's bytes per
   * second; false when it is over and the page must be cut off.
   */
  admit(bytes: number, now = Date.now()): boolean {
    return this.budget.take(bytes, now);
  }

  /** A customer's page attached (first time, or after a reload or a dropped connection). */
  attachCapture(peer: RelayPeer) {
    this.capture = peer;
    this.mirror = false;
    this.restartStream();
    this.setLink('connected');
    this.presenceChanged();
  }

  /**
   * A new page (or a page that lost its socket, or a page now streaming to another owner node)
   * starts over with a full snapshot and new numbering; what was cached belongs to the old
   * stream, so agents wait for the new start.
   */
  restartStream() {
    this.lastSeq = 0;
    this.snapshot = null;
    this.deltas.clear();
    this.snapshotRequested = false;
    for (const a of this.agents) a.waiting = true;
  }

  detachCapture(peer: RelayPeer) {
    if (this.capture !== peer) return;
    this.capture = null;
    this.setLink('reconnecting');
  }

  setLink(state: CustomerLink) {
    const known = this.linkKnown;
    this.linkKnown = true;
    if (this.customerLink === state && known) return;
    this.customerLink = state;
    this.toAgents({ type: 'customer.link', state });
  }

  /**
   * A binary frame from the page. Returns an error name when the frame must close the socket:
   * a frame the relay cannot route, or a sequence number that goes backwards.
   */
  fromCapture(frame: Uint8Array): 'malformed' | 'out_of_order' | null {
    // The header is read in place: this runs for every frame of every session.
    if (frame.byteLength < FRAME_HEADER_BYTES) return 'malformed';
    const seq = frameSeqOf(frame);
    switch (frameKindOf(frame)) {
      case FRAME_KIND.POINTER:
        // Pointer frames are tiny and latest-wins: never cached, never sequenced, and held back
        // (only the newest) while an agent is behind, so a flood of them cannot queue up.
        if (frame.byteLength !== FRAME_HEADER_BYTES + POINTER_BODY_BYTES) return 'malformed';
        for (const a of this.agents) this.sendPointer(a, frame);
        return null;
      case FRAME_KIND.SNAPSHOT:
        if (seq <= this.lastSeq && this.lastSeq !== 0 && !this.mirror) return 'out_of_order';
        this.lastSeq = seq;
        this.snapshot = frame;
        this.deltas.clear();
        this.snapshotRequested = false;
        for (const a of this.agents) {
          if (a.peer.bufferedAmount() > this.limits.agentBacklogBytes) {
            a.stale = true;
            this.serviceDue = true;
            continue;
          }
          a.stale = false;
          a.waiting = false;
          a.peer.sendFrame(frame);
        }
        this.notePeak();
        return null;
      case FRAME_KIND.DELTA:
        if (seq <= this.lastSeq) return this.mirror ? null : 'out_of_order';
        this.lastSeq = seq;
        if (!this.snapshot) return null;
        if (this.deltas.byteLength + frame.byteLength > this.limits.maxBufferedBytes) {
          // Instead of growing: drop what a late joiner would replay and ask for a new start.
          this.deltas.clear();
          this.snapshot = null;
          this.requestSnapshot('buffer_full');
        } else {
          this.deltas.push(frame);
        }
        for (const a of this.agents) {
          if (a.stale || a.waiting) continue;
          if (a.peer.bufferedAmount() > this.limits.agentBacklogBytes) {
            a.stale = true;
            this.serviceDue = true;
            continue;
          }
          a.peer.sendFrame(frame);
        }
        this.notePeak();
        return null;
      default:
        return 'malformed';
    }
  }

  private sendPointer(a: AgentSlot, frame: Uint8Array) {
    if (a.stale || a.waiting || a.peer.bufferedAmount() > POINTER_BACKLOG_BYTES) {
      // A copy: the frame may be a view into a larger read buffer that it would keep alive.
      a.pointer = a.pointer === frame ? frame : new Uint8Array(frame);
      this.serviceDue = true;
      return;
    }
    a.pointer = null;
    a.peer.sendFrame(frame);
  }

  private notePeak() {
    const held = this.heldBytes();
    if (held > this.peakHeldBytes) this.peakHeldBytes = held;
  }

  addAgent(peer: RelayPeer) {
    const slot: AgentSlot = { peer, stale: false, waiting: false, resyncedFrom: null, pointer: null };
    this.agents.add(slot);
    if (this.linkKnown) peer.sendJson({ type: 'customer.link', state: this.customerLink } satisfies AgentServerMessage);
    this.catchUp(slot);
    this.presenceChanged();
  }

  removeAgent(peer: RelayPeer) {
    for (const a of this.agents) if (a.peer === peer) this.agents.delete(a);
    this.presenceChanged();
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

  /**
   * Stale agents whose socket drained get the cached snapshot and deltas again; agents whose
   * socket drained get the pointer position held back for them.
   */
  serviceStaleAgents() {
    this.serviceDue = false;
    for (const a of this.agents) {
      if (a.stale && a.peer.bufferedAmount() < this.limits.agentBacklogBytes / 4) this.catchUp(a);
      if (a.pointer) this.sendPointer(a, a.pointer);
      // Still behind (or its pointer held back again, which set it): the next tick looks again.
      if (a.stale) this.serviceDue = true;
    }
    this.notePeak();
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
    for (const d of this.deltas.frames()) slot.peer.sendFrame(d);
  }

  /**
   * An agent's replica disagrees with the page's tree checksum: the cache would rebuild the same
   * replica, so the page is asked for a fresh snapshot, at most once per DRIFT_SNAPSHOT_EVERY_MS
   * per session, so that no agent can make the customer's browser snapshot in a loop.
   */
  refresh(now = Date.now()) {
    if (now - this.lastDriftSnapshotAt < DRIFT_SNAPSHOT_EVERY_MS) return;
    this.lastDriftSnapshotAt = now;
    // A mirror passes it on to the owner node, which keeps its own limit: no snapshot is awaited here.
    if (this.mirror) return this.toCapture({ type: 'snapshot.request', reason: 'agent_drift' });
    this.requestSnapshot('agent_drift');
  }

  private requestSnapshot(reason: 'agent_joined' | 'buffer_full' | 'agent_gap' | 'agent_drift') {
    if (this.snapshotRequested || !this.capture) return;
    this.snapshotRequested = true;
    this.toCapture({ type: 'snapshot.request', reason });
  }

  /** A page that does not read what it is sent is cut off rather than queued for. */
  toCapture(message: CaptureServerMessage) {
    if (!this.capture) return;
    if (this.capture.bufferedAmount() > CAPTURE_BACKLOG_BYTES) {
      const page = this.capture;
      page.close('TOO_FAR_BEHIND');
      this.detachCapture(page);
      return;
    }
    this.capture.sendJson(message);
  }

  /** An agent that cannot take what it is sent, even past a catch-up's worth, is cut off. */
  toAgents(message: AgentServerMessage) {
    const most = agentQueueBound(this.limits) - AGENT_MESSAGE_ALLOWANCE_BYTES / 2;
    for (const a of this.agents) {
      if (a.peer.bufferedAmount() > most) a.peer.close('TOO_FAR_BEHIND');
      else a.peer.sendJson(message);
    }
  }

  /** The session ended: both sides are told and closed. */
  end(reason: string, close: CloseCodeName) {
    this.toCapture({ type: 'session.ended', reason });
    this.capture?.close(close);
    this.capture = null;
    this.snapshot = null;
    this.deltas.clear();
    this.setLink('gone');
  }
}
