/**
 * Cross-node messages. In-process by default; Redis when REDIS_URL is set. Messages are small
 * JSON values; delivery is at-most-once and best-effort, so anything durable goes through the
 * store first and the bus only says "look again". After an outage a bus calls its resume
 * listeners: whatever was published meanwhile may be lost, so they look at the store again.
 */
export type BusHandler = (message: unknown) => void;

/** Whether the bus reaches the other nodes, for /readyz. */
export interface BusHealth {
  state: 'up' | 'down';
  /** Why it is down, for the operator; null when up. */
  reason: string | null;
  /** ISO time of the last change of state; null if it never changed. */
  since: string | null;
}

export interface Bus {
  readonly kind: 'memory' | 'redis';
  /** Best-effort and bounded in time: never rejects, never waits on a dead connection. */
  publish(topic: string, message: unknown): Promise<void>;
  /** Returns an unsubscribe function. Does not wait for a bus that is down. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  /** Called after the bus was down and is back; returns a function that removes the listener. */
  onResume(listener: () => void): () => void;
  health(): BusHealth;
  close(): Promise<void>;
}
