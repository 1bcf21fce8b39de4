import type { Queryable } from '../../store/db.ts';

/** One linked Genesys org as stored. */
export interface GenesysLinkRow {
  org_id: string;
  region: string;
  api_base_url: string;
  login_base_url: string;
  client_id: string;
  client_secret: string;
  follow_users: string[];
  follow_queues: string[];
  sms_from: string | null;
  widget_client_id: string | null;
  widget_grant: 'pkce' | 'implicit';
  linked_by_client: string | null;
  health: string;
  health_reason: string | null;
  health_at: Date;
  created_at: Date;
  updated_at: Date;
}

export type GenesysHealth = 'connecting' | 'connected' | 'degraded';

/** The SQL of the Genesys connector: links, their health, the channel lease, mirrored calls. */
export class GenesysLinkStore {
  constructor(private readonly db: Queryable) {}

  async get(orgId: string): Promise<GenesysLinkRow | null> {
    const [row] = await this.db.query<GenesysLinkRow>('SELECT * FROM genesys_integrations WHERE org_id = $1', [orgId]);
    return row ?? null;
  }

  async all(): Promise<GenesysLinkRow[]> {
    return this.db.query<GenesysLinkRow>('SELECT * FROM genesys_integrations ORDER BY org_id');
  }

  async upsert(
    r: Omit<GenesysLinkRow, 'health' | 'health_reason' | 'health_at' | 'created_at' | 'updated_at'>): Promise<{ row: GenesysLinkRow; created: boolean }> {
    const existed = !!(await this.get(r.org_id));
    const [row] = await this.db.query<GenesysLinkRow>(
      `INSERT INTO genesys_integrations (org_id, region, api_base_url, login_base_url, client_id, client_secret, follow_users, follow_queues, sms_from, ` +
        `widget_client_id, widget_grant, linked_by_client)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $11)
       ON CONFLICT (org_id) DO UPDATE SET region = $2, api_base_url = $3, login_base_url = $4, client_id = $5, client_secret = $6,
         follow_users = $7, follow_queues = $8, sms_from = $9, widget_client_id = $10, widget_grant = $12, linked_by_client = $11, ` +
          `health = 'connecting', health_reason = NULL, ` +
           `health_at = now(), updated_at = now()
       RETURNING *`,
      [r.org_id, r.region, r.api_base_url, r.login_base_url, r.client_id, r.client_secret, JSON.stringify(r.follow_users), JSON.stringify(r.follow_queues),
        r.sms_from, r.widget_client_id, r.linked_by_client, r.widget_grant],
    );
    return { row: row!, created: !existed };
  }

  async remove(orgId: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM genesys_integrations WHERE org_id = $1 RETURNING org_id', [orgId]);
    return rows.length > 0;
  }

  /**
   * Records the health of the link as it was at `version` (its updated_at): a connector still
   * winding down after a re-link must not report on the new one. A write only when it changed,
   * so a steady link costs nothing.
   */
  async setHealth(orgId: string, version: Date, health: GenesysHealth, reason: string | null): Promise<void> {
    await this.db.query(
      `UPDATE genesys_integrations SET health = $3, health_reason = $4, health_at = now()
        WHERE org_id = $1 AND date_trunc('milliseconds', updated_at) = $2 AND (health <> $3 OR health_reason IS DISTINCT FROM $4)`,
      [orgId, version, health, reason],
    );
  }

  /** Takes or renews the org's channel lease; false while another node holds an unexpired one. */
  async claimLease(orgId: string, node: string, ms: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE genesys_integrations SET lease_holder = $2, lease_until = now() + ($3 || ' milliseconds')::interval
        WHERE org_id = $1 AND (lease_holder IS NULL OR lease_holder = $2 OR lease_until < now()) RETURNING org_id`,
      [orgId, node, String(ms)],
    );
    return rows.length > 0;
  }

  async releaseLease(orgId: string, node: string): Promise<void> {
    await this.db.query('UPDATE genesys_integrations SET lease_holder = NULL, lease_until = NULL WHERE org_id = $1 AND lease_holder = $2', [orgId, node]);
  }

  async rememberCall(orgId: string, conversationId: string): Promise<void> {
    await this.db.query('INSERT INTO genesys_calls (org_id, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [orgId, conversationId]);
  }

  /**
   * Mirrored calls Tandem still thinks are live: what a resync re-reads from Genesys. A call
   * remembered whose conversation was never written (the write failed) is one of them too.
   */
  async liveCalls(orgId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT g.conversation_id AS id FROM genesys_calls g
         LEFT JOIN conversations c ON c.org_id = g.org_id AND c.id = g.conversation_id
        WHERE g.org_id = $1 AND (c.state IS NULL OR c.state <> 'disconnected') ORDER BY g.created_at`,
      [orgId],
    );
    return rows.map((r) => r.id);
  }

  async forgetCall(orgId: string, conversationId: string): Promise<void> {
    await this.db.query('DELETE FROM genesys_calls WHERE org_id = $1 AND conversation_id = $2', [orgId, conversationId]);
  }
}
