import type { SmsMessage } from '@tandem/protocol';
import type { Db } from '../store/db.ts';
import { newId } from '../domain/ids.ts';
import type { SmsMessageOut, SmsProvider } from './sms-provider.ts';

/** The default SMS provider: stores each message; GET /v1/sms/outbox lists what would have gone out. */
export class SmsOutbox implements SmsProvider {
  readonly name = 'outbox';
  constructor(private readonly db: Db) {}

  async send(m: SmsMessageOut): Promise<{ providerId: string }> {
    const id = newId('sms');
    await this.db.query('INSERT INTO sms_outbox (id, org_id, to_phone, body, invite_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [id, m.orgId, m.to, m.body, m.inviteId, new Date()]);
    return { providerId: id };
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
      `SELECT * FROM sms_outbox WHERE ${where} ORDER BY created_at DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ id: r.id, to: r.to_phone, body: r.body, inviteId: r.invite_id, createdAt: new Date(r.created_at).toISOString() }));
  }
}
