/**
 * Cross-node messages. In-process by default; Redis when REDIS_URL is set. Messages are small
 * JSON values; delivery is at-most-once, so anything durable goes through the store first and
 * the bus only says "look again".
 */
export type BusHandler = (message: unknown) => void;

export interface Bus {
  publish(topic: string, message: unknown): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
