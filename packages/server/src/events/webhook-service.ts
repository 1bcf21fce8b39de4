import type { EventType } from '@tandem/protocol';
import { EVENT_TYPES } from '@tandem/protocol';
import type { Db, Queryable } from '../store/db.ts';
import { DomainError } from '../shared/domain-error.ts';
import { newId } from '../shared/ids.ts';
import { newWebhookSecret } from './webhook-signing.ts';
import { refusedWebhookHost } from './webhook-destination-guard.ts';

interface Row {
  id: string;
  org_id: string;
  url: string;
  events: EventType[];
  secret: string;
  description: string | null;
  created_at: Date;
}

const toWebhook = (r: Row) => ({ id: r.id, url: r.url, events: r.events, description: r.description, createdAt: new Date(r.created_at).toISOString() });

/** Webhook endpoints and the record of every delivery attempt. */
export class WebhookService {
  constructor(private readonly db: Db, private readonly allowPrivate: boolean) {}

  /** `bind` runs in the creating transaction (the API ties the endpoint to the request's Idempotency-Key). */
  async create(orgId: string, input: { url: string; events?: EventType[]; description?: string }, bind?: (q: Queryable, webhookId: string) => Promise<void>) {
    const u = new URL(input.url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      throw new DomainError('validation_failed', 'The webhook url must be http or https.', { errors: [{ path: '/url', message: 'must be http or https' }] });
    }
    const refused = this.allowPrivate ? null : refusedWebhookHost(u);
    if (refused) {
      throw new DomainError('validation_failed',
        `The webhook url must reach a public address (${refused}); a server for on-premises receivers sets WEBHOOK_ALLOW_PRIVATE=true.`,
          { errors: [{ path: '/url', message: 'must be a public address' }] });
    }
    const secret = newWebhookSecret();
    const row = await this.db.tx(async (q) => {
      const [r] = await q.query<Row>(
        'INSERT INTO webhooks (id, org_id, url, events, secret, description) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
        [newId('wh'), orgId, input.url, input.events ?? [...EVENT_TYPES], secret, input.description ?? null],
      );
      await bind?.(q, r!.id);
      return r!;
    });
    return { ...toWebhook(row), secret };
  }

  /** The endpoint with its secret, for the client that created it (a retry of its creating request). */
  async getCreated(orgId: string, id: string) {
    const [row] = await this.db.query<Row>('SELECT * FROM webhooks WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL', [orgId, id]);
    if (!row) throw new DomainError('webhook_not_found');
    return { ...toWebhook(row), secret: row.secret };
  }

  async list(orgId: string) {
    const rows = await this.db.query<Row>('SELECT * FROM webhooks WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at', [orgId]);
    return rows.map(toWebhook);
  }

  async get(orgId: string, id: string) {
    const [row] = await this.db.query<Row>('SELECT * FROM webhooks WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL', [orgId, id]);
    if (!row) throw new DomainError('webhook_not_found');
    return toWebhook(row);
  }

  async delete(orgId: string, id: string) {
    const rows = await this.db.query('UPDATE webhooks SET deleted_at = now() WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id', [orgId, id]);
    if (!rows.length) throw new DomainError('webhook_not_found');
    // Pending deliveries to a deleted endpoint would only fail; stop them.
    await this.db.query("UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL WHERE webhook_id = $1 AND state = 'pending'", [id]);
  }

  async deliveries(orgId: string, webhookId: string, opts: { limit: number; before?: string }) {
    await this.get(orgId, webhookId);
    const params: unknown[] = [webhookId, opts.limit];
    let where = 'd.webhook_id = $1';
    if (opts.before) {
      params.push(opts.before);
      where += ` AND d.id < $${params.length}`;
    }
    const rows = await this.db.query<DeliveryRow>(
      `SELECT d.id, d.event_id, e.type, d.state, d.next_attempt_at, d.redelivered_as FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
        WHERE ${where} ORDER BY d.id DESC LIMIT $2`,
      params,
    );
    return { data: await this.withAttempts(rows), nextCursor: rows.length === opts.limit ? rows[rows.length - 1]!.id : null };
  }

  /**
   * Sends one delivery's event again, as a new delivery with a fresh retry schedule (same event,
   * so the same webhook-id: a receiver that already has it drops it).
   */
  async redeliver(orgId: string, webhookId: string, deliveryId: string) {
    await this.get(orgId, webhookId);
    const id = await this.db.tx(async (q) => {
      const [d] = await q.query<{ state: string; redelivered_as: string | null }>(
        'SELECT state, redelivered_as FROM webhook_deliveries WHERE id = $1 AND webhook_id = $2 FOR UPDATE',
        [deliveryId, webhookId],
      );
      if (!d) throw new DomainError('not_found',
        `No delivery "${deliveryId}" of webhook ${webhookId}: list them with GET /v1/webhooks/${webhookId}/deliveries.`);
      if (d.state === 'pending') throw new DomainError('invalid_state',
        'This delivery is still being tried: wait for its next attempt (nextAttemptAt) or for it to fail.', { currentState: 'pending' });
      return this.queueAgain(q, orgId, webhookId, deliveryId);
    });
    const [row] = await this.db.query<DeliveryRow>(
      'SELECT d.id, d.event_id, e.type, d.state, d.next_attempt_at, d.redelivered_as FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id ' +
        '= $1',
      [id],
    );
    return (await this.withAttempts([row!]))[0]!;
  }

  /**
   * Sends again every delivery to this endpoint that failed and was created at or after `since`,
   * oldest first, at most REDELIVER_BATCH per call (`more` says to call again); a delivery is
   * redelivered once, so calling again never sends one twice.
   */
  async redeliverFailed(orgId: string, webhookId: string, since: Date) {
    await this.get(orgId, webhookId);
    return this.db.tx(async (q) => {
      const failed = await q.query<{ id: string }>(
        `SELECT id FROM webhook_deliveries WHERE webhook_id = $1 AND state = 'failed' AND redelivered_as IS NULL AND created_at >= $2
          ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [webhookId, since, REDELIVER_BATCH + 1],
      );
      const batch = failed.slice(0, REDELIVER_BATCH);
      for (const d of batch) await this.queueAgain(q, orgId, webhookId, d.id);
      return { redelivered: batch.length, more: failed.length > REDELIVER_BATCH };
    });
  }

  private async queueAgain(q: Queryable, orgId: string, webhookId: string, deliveryId: string): Promise<string> {
    const id = newId('whd');
    await q.query(
      `INSERT INTO webhook_deliveries (id, org_id, webhook_id, event_id, state, next_attempt_at)
       SELECT $1, $2, webhook_id, event_id, 'pending', $4 FROM webhook_deliveries WHERE id = $3 AND webhook_id = $5`,
      [id, orgId, deliveryId, new Date(), webhookId],
    );
    await q.query('UPDATE webhook_deliveries SET redelivered_as = $2 WHERE id = $1', [deliveryId, id]);
    return id;
  }

  private async withAttempts(rows: DeliveryRow[]) {
    const ids = rows.map((r) => r.id);
    const attempts = ids.length
      ? await this.db.query<{ delivery_id: string; attempt: number; at: Date; status: number | null; error: string | null; duration_ms: number }>(
          'SELECT * FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY attempt',
          [ids],
        )
      : [];
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.type,
      state: r.state,
      nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at).toISOString() : null,
      redeliveredAs: r.redelivered_as,
      attempts: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({ attempt: a.attempt, at: new Date(a.at).toISOString(), status: a.status, error: a.error, durationMs: a.duration_ms })),
    }));
  }
}

/** Redeliveries queued by one call of redeliverFailed: bounded, so one call stays one short transaction. */
export const REDELIVER_BATCH = 1000;

interface DeliveryRow {
  id: string;
  event_id: string;
  type: EventType;
  state: 'pending' | 'succeeded' | 'failed';
  next_attempt_at: Date | null;
  redelivered_as: string | null;
}
