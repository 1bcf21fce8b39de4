import type { SmsMessage } from '@tandem/protocol';
import type { Db } from '../store/db.ts';
import { SmsSendError, type SmsMessageOut, type SmsProvider } from './sms-provider.ts';

/** The default SMS provider: stores each message; GET /v1/sms/outbox lists what would have gone out. */
export class SmsOutbox implements SmsProvider {
  readonly name = 'outbox';
  constructor(private readonly db: Db) {}

  async send(m: SmsMessageOut): Promise<{ providerId: string }> {
    try {
      // A retry of a message already stored is a no-op, never a second copy.
      await this.db.query(
        'INSERT INTO sms_outbox (id, org_id, to_phone, body, invite_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING',
        [m.id, m.orgId, m.to, m.body, m.inviteId, new Date()],
      );
    } catch (err) {
      throw new SmsSendError('provider_unavailable', `the outbox could not store the message (${(err as Error).message})`);
    }
    return { providerId: m.id };
  }

  async list(orgId: string, opts: { to?: string; limit: number; before?: string }): Promise<SmsMessage[]> {
    const params: unknown[] = [orgId, opts.limit];
    let where = 'org_id = $1';
    if (opts.to) {
      params.push(opts.to);
      where += ` AND to_phone = $${params.length}`;
    }
    if (opts.before) {
      params.push(new Date(opts.before));
      where += ` AND created_at < $${params.length}`;
    }
    const rows = await this.db.query<{ id: string; to_phone: string; body: string; invite_id: string | null; created_at: Date }>(
      `SELECT * FROM sms_outbox WHERE ${where} ORDER BY created_at DESC, seq DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ id: r.id, to: r.to_phone, body: r.body, inviteId: r.invite_id, createdAt: new Date(r.created_at).toISOString() }));
  }
}
