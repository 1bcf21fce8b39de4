import type { Logger } from 'pino';
import type { Db } from '../store/db.ts';
import { toEvent } from './event-log.ts';
import { isStoreUnreachable } from '../shared/store-unavailable.ts';
import { webhookHeaders } from './webhook-signing.ts';
import { describeDeliveryError, webhookFetch, type WebhookFetch } from './webhook-destination-guard.ts';

export interface DispatcherOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before each retry (the first entry before the second attempt); the last one repeats. */
  retryScheduleMs: number[];
  timeoutMs?: number;
  pollMs?: number;
  concurrency?: number;
  /** How deliveries are sent: public receivers only unless private ones are allowed (webhook-destination-guard.ts). */
  fetch?: WebhookFetch;
}

interface Due {
  id: string;
  attempt_count: number;
  url: string;
  secret: string;
  ev_org_id: string;
  ev_seq: number;
  ev_id: string;
  ev_type: string;
  ev_conversation_id: string | null;
  ev_invite_id: string | null;
  ev_session_id: string | null;
  ev_data: Record<string, unknown>;
  ev_occurred_at: Date;
}

/**
 * Sends queued webhook deliveries. The queue is the webhook_deliveries table, so retries survive
 * a restart; each delivery is sent on its own, so a slow or failing endpoint never holds up others.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private polling = false;
  private stopped = true;
  private readonly running = new Set<Promise<void>>();
  private readonly o: Required<DispatcherOptions>;

  constructor(private readonly db: Db, private readonly log: Logger, opts: DispatcherOptions) {
    this.o = { timeoutMs: 10_000, pollMs: 500, concurrency: 32, fetch: webhookFetch(false), ...opts };
  }

  start() {
    this.stopped = false;
    this.timer = setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
    void this.poll();
  }

  /** New events were stored: look now rather than at the next tick. */
  wake() {
    if (!this.stopped) void this.poll();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
  }

  private async poll() {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const room = this.o.concurrency - this.inFlight;
      if (room <= 0) return;
      const now = new Date();
      // Claim with a lease so two nodes (or an overlapping poll) never send the same attempt twice.
      const due = await this.db.query<Due>(
        `WITH claimed AS (
           UPDATE webhook_deliveries SET locked_until = $2
            WHERE id IN (SELECT id FROM webhook_deliveries
                          WHERE state = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
                          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING id, attempt_count, webhook_id, event_id)
         SELECT c.id, c.attempt_count, w.url, w.secret, e.org_id AS ev_org_id, e.seq AS ev_seq, e.id AS ev_id, e.type AS ev_type,
                e.conversation_id AS ev_conversation_id, e.invite_id AS ev_invite_id, e.session_id AS ev_session_id,
                e.data AS ev_data, e.occurred_at AS ev_occurred_at
           FROM claimed c JOIN webhooks w ON w.id = c.webhook_id JOIN events e ON e.id = c.event_id`,
        [now, new Date(now.getTime() + this.o.timeoutMs + 5_000), room],
      );
      for (const d of due) {
        this.inFlight++;
        const p = this.send(d).finally(() => {
          this.inFlight--;
          this.running.delete(p);
        });
        this.running.add(p);
      }
    } catch (err) {
      // An unreachable database is logged once by the store, not on every poll.
      if (!this.stopped && !isStoreUnreachable(err)) this.log.error({ err }, 'webhook poll failed');
    } finally {
      this.polling = false;
    }
  }

  private async send(d: Due) {
    const event = toEvent({
      org_id: d.ev_org_id, seq: d.ev_seq, id: d.ev_id, type: d.ev_type as never, conversation_id: d.ev_conversation_id,
      invite_id: d.ev_invite_id, session_id: d.ev_session_id, data: d.ev_data, occurred_at: d.ev_occurred_at,
    });
    const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });
    const attempt = d.attempt_count + 1;
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await this.o.fetch(d.url, {
        method: 'POST',
        headers: webhookHeaders(d.secret, event.id, body),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = describeDeliveryError(err, this.o.timeoutMs);
    }
    const durationMs = Date.now() - started;
    const ok = error === null;
    const giveUp = !ok && attempt >= this.o.maxAttempts;
    const delay = retryDelay(this.o.retryScheduleMs, attempt);
    try {
      await this.db.tx(async (q) => {
        await q.query('INSERT INTO webhook_attempts (delivery_id, attempt, at, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)',
          [d.id, attempt, new Date(started), status, error, durationMs]);
        await q.query(
          'UPDATE webhook_deliveries SET attempt_count = $2, state = $3, next_attempt_at = $4, locked_until = NULL WHERE id = $1',
          [d.id, attempt, ok ? 'succeeded' : giveUp ? 'failed' : 'pending', ok || giveUp ? null : new Date(Date.now() + delay)],
        );
      });
    } catch (err) {
      if (!this.stopped) this.log.error({ err, deliveryId: d.id }, 'recording a webhook attempt failed');
    }
    if (!ok) this.log.warn({ deliveryId: d.id, url: d.url, attempt, error, giveUp }, 'webhook delivery failed');
    // Retry on time rather than at the next poll tick, so short backoffs really are short; long
    // waits are the table's business (the poll finds them, after a restart too).
    if (!ok && !giveUp && !this.stopped && delay <= SHORT_WAIT_MS) setTimeout(() => this.wake(), delay + 5).unref();
  }
}

const SHORT_WAIT_MS = 60_000;

/**
 * The wait after attempt `attempt` failed: the schedule's entry for it, the last one repeating,
 * spread by ±10 % so endpoints that failed together are not retried in lockstep.
 */
function retryDelay(scheduleMs: number[], attempt: number): number {
  const base = scheduleMs[Math.min(attempt, scheduleMs.length) - 1] ?? 1000;
  return Math.round(base * (0.9 + Math.random() * 0.2));
}
