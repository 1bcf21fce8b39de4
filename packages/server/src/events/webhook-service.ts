import type { EventType } from '@tandem/protocol';
import { EVENT_TYPES } from '@tandem/protocol';
import type { Db } from '../store/db.ts';
import { DomainError } from '../domain/domain-error.ts';
import { newId } from '../domain/ids.ts';
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

  async create(orgId: string, input: { url: string; events?: EventType[]; description?: string }) {
    const u = new URL(input.url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      throw new DomainError('validation_failed', 'The webhook url must be http or https.', { errors: [{ path: '/url', message: 'must be http or https' }] });
    }
    const refused = this.allowPrivate ? null : refusedWebhookHost(u);
    if (refused) {
      throw new DomainError('validation_failed', `The webhook url must reach a public address (${refused}); a server for on-premises receivers sets WEBHOOK_ALLOW_PRIVATE=true.`, { errors: [{ path: '/url', message: 'must be a public address' }] });
    }
    const secret = newWebhookSecret();
    const [row] = await this.db.query<Row>(
      'INSERT INTO webhooks (id, org_id, url, events, secret, description) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [newId('wh'), orgId, input.url, input.events ?? [...EVENT_TYPES], secret, input.description ?? null],
    );
    return { ...toWebhook(row!), secret };
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
    const rows = await this.db.query<{ id: string; event_id: string; type: EventType; state: 'pending' | 'succeeded' | 'failed'; next_attempt_at: Date | null }>(
      `SELECT d.id, d.event_id, e.type, d.state, d.next_attempt_at FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
        WHERE ${where} ORDER BY d.id DESC LIMIT $2`,
      params,
    );
    const ids = rows.map((r) => r.id);
    const attempts = ids.length
      ? await this.db.query<{ delivery_id: string; attempt: number; at: Date; status: number | null; error: string | null; duration_ms: number }>(
          'SELECT * FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY attempt',
          [ids],
        )
      : [];
    const data = rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.type,
      state: r.state,
      nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at).toISOString() : null,
      attempts: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({ attempt: a.attempt, at: new Date(a.at).toISOString(), status: a.status, error: a.error, durationMs: a.duration_ms })),
    }));
    return { data, nextCursor: rows.length === opts.limit ? rows[rows.length - 1]!.id : null };
  }
}
