import type { Bus } from '../bus/bus.ts';
import { sessionControlTopic, sessionEndedTopic } from '../shared/topics.ts';
import { DEFAULT_RELAY_LIMITS, SessionRelay, type RelayLimits } from './session-relay.ts';

/** The sessions being relayed on this node; a session's relay lives while a peer is attached. */
export class RelayRegistry {
  private readonly relays = new Map<string, SessionRelay>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribers: (() => Promise<void>)[] = [];
  /** The most one session has held, kept after the session is gone. */
  private peakSessionBytes = 0;

  constructor(private readonly limits: RelayLimits = DEFAULT_RELAY_LIMITS) {
    // Slow agents are checked a few times a second rather than on every frame.
    this.timer = setInterval(() => {
      for (const r of this.relays.values()) r.serviceStaleAgents();
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
    if (relay.capture || relay.agentCount > 0) return;
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
  }
}
