import type { Db } from '../store/db.ts';

/** How long a node trusts what it last read about a client: revocation reaches every node within this. */
export const CLIENT_STATUS_TTL_MS = 2_000;

/**
 * Whether an API client is still active, read from the store and remembered briefly, so that
 * revoking a client (`tandem clients revoke`, from any process) ends its tokens within seconds
 * without a query on every request.
 */
export class ClientStatus {
  private readonly known = new Map<string, { active: boolean; readAt: number }>();

  constructor(private readonly db: Db, private readonly ttlMs = CLIENT_STATUS_TTL_MS, private readonly now: () => number = Date.now) {}

  async isActive(clientId: string): Promise<boolean> {
    const hit = this.known.get(clientId);
    if (hit && this.now() - hit.readAt < this.ttlMs) return hit.active;
    const [row] = await this.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_clients WHERE id = $1', [clientId]);
    const active = !!row && !row.revoked_at;
    // Token subjects are ids we signed, so the map holds no more entries than there are clients.
    this.known.set(clientId, { active, readAt: this.now() });
    return active;
  }
}

/**
 * An abort signal for a long-lived response (an event stream) authorised once at its start: it
 * fires when the API client is revoked, so the stream ends within seconds rather than never.
 */
export function whileClientActive(status: { isActive(clientId: string): Promise<boolean> }, clientId: string): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const timer = setInterval(() => {
    status.isActive(clientId).then((active) => {
      if (!active) controller.abort();
    }, () => undefined);
  }, CLIENT_STATUS_TTL_MS);
  timer.unref();
  controller.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
