import type { Bus } from '../bus/bus.ts';
import { sessionControlTopic, sessionEndedTopic } from '../shared/topics.ts';
import type { RelayCluster } from './relay-cluster.ts';
import { DEFAULT_RELAY_LIMITS, SessionRelay, type RelayLimits, type RelayPeer } from './session-relay.ts';

/**
 * The sessions being relayed on this node; a session's relay lives while a peer is attached.
 * With a relay cluster (several nodes) a relay here may be its session's owner (the page streams
 * here) or a mirror of the owner's relay (agents here, the page elsewhere).
 */
export class RelayRegistry {
  private cluster: RelayCluster | null = null;
  private readonly relays = new Map<string, SessionRelay>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribers: (() => Promise<void>)[] = [];
  /** The most one session has held, kept after the session is gone. */
  private peakSessionBytes = 0;

  constructor(private readonly limits: RelayLimits = DEFAULT_RELAY_LIMITS) {
    // Slow agents are checked a few times a second rather than on every frame; only the relays
    // that have one (thousands of sessions keep up and cost the timer nothing).
    this.timer = setInterval(() => {
      for (const r of this.relays.values()) if (r.serviceDue) r.serviceStaleAgents();
    }, 250);
    this.timer.unref();
  }

  async listen(bus: Bus) {
    this.unsubscribers.push(
      await bus.subscribe(sessionEndedTopic, (m) => {
        const { sessionId, reason } = m as { sessionId: string; reason: string };
        this.end(sessionId, reason);
      }),
      await bus.subscribe(sessionControlTopic, (m) => {
        const { sessionId, control } = m as { sessionId: string; control: boolean };
        this.relays.get(sessionId)?.toCapture({ type: 'control.state', control });
      }),
    );
  }

  /** Relays span nodes through this cluster from now on. */
  useCluster(cluster: RelayCluster) {
    this.cluster = cluster;
    cluster.attach(this);
  }

  /** A page's capture socket for the session: one page streams a session at a time, so it replaces any other. */
  attachCapture(sessionId: string, orgId: string, conversationId: string, page: RelayPeer): SessionRelay {
    const relay = this.obtain(sessionId, orgId, conversationId);
    if (relay.capture && !this.cluster?.isLink(relay.capture)) relay.capture.close('REPLACED');
    relay.attachCapture(page);
    this.cluster?.own(relay);
    return relay;
  }

  /** An agent's console joins the session's relay (a mirror of the owner's, when the page is on another node). */
  join(sessionId: string, orgId: string, conversationId: string, agent: RelayPeer): SessionRelay {
    const relay = this.obtain(sessionId, orgId, conversationId);
    if (this.cluster && !relay.capture && !this.cluster.has(relay)) this.cluster.mirror(relay);
    relay.addAgent(agent);
    return relay;
  }

  leave(relay: SessionRelay, agent: RelayPeer) {
    relay.removeAgent(agent);
    this.release(relay);
  }

  get(sessionId: string): SessionRelay | undefined {
    return this.relays.get(sessionId);
  }

  obtain(sessionId: string, orgId: string, conversationId: string): SessionRelay {
    let r = this.relays.get(sessionId);
    if (!r) this.relays.set(sessionId, (r = new SessionRelay(sessionId, orgId, conversationId, this.limits)));
    return r;
  }

  /** Forgets a relay nobody is attached to. */
  release(relay: SessionRelay) {
    if ((relay.capture && !this.cluster?.isLink(relay.capture)) || relay.agentCount > 0) return;
    if (this.relays.get(relay.sessionId) !== relay) return;
    this.cluster?.forget(relay);
    this.peakSessionBytes = Math.max(this.peakSessionBytes, relay.peakHeldBytes);
    this.relays.delete(relay.sessionId);
  }

  /** What the live sessions hold now, and the most one session ever held. */
  memory(): { heldBytes: number; peakSessionBytes: number } {
    let heldBytes = 0;
    let peak = this.peakSessionBytes;
    for (const r of this.relays.values()) {
      heldBytes += r.heldBytes();
      peak = Math.max(peak, r.peakHeldBytes);
    }
    return { heldBytes, peakSessionBytes: peak };
  }

  end(sessionId: string, reason: string) {
    const r = this.relays.get(sessionId);
    if (!r) return;
    r.end(reason, 'SESSION_ENDED');
    this.cluster?.forget(r);
    this.release(r);
  }

  /** The sessions relayed on this node (checked against the store after the bus lost messages). */
  sessionIds(): string[] {
    return [...this.relays.keys()];
  }

  get size() {
    return this.relays.size;
  }

  async close() {
    clearInterval(this.timer);
    for (const u of this.unsubscribers) await u();
    await this.cluster?.close();
  }
}
