import { randomBytes } from 'node:crypto';
import { SCOPES, type Scope } from '@tandem/protocol';
import type { Db, Queryable } from '../store/db.ts';
import { DomainError } from '../shared/domain-error.ts';
import { newId } from '../shared/ids.ts';
import { hashSecret, secretMatches } from './secret-hash.ts';

export interface ApiClientRecord {
  id: string;
  orgId: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

interface Row {
  id: string;
  org_id: string;
  name: string;
  secret_hash: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
}

const toRecord = (r: Row): ApiClientRecord => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  scopes: r.scopes as Scope[],
  createdAt: new Date(r.created_at).toISOString(),
  revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
});

/** API clients (OAuth client credentials). Secrets are stored hashed and shown once. */
export class ClientService {
  constructor(private readonly db: Db) {}

  /** First start: one organisation and one client with every scope. Returns null when one exists. */
  async bootstrap(): Promise<{ orgId: string; client: ApiClientRecord; secret: string } | null> {
    // Nodes first started together on an empty database: the lock lets exactly one of them see
    // no organisation and create it; the others wait, then see it (a lock wait: no statement
    // timeout, as for migrations; a holder that vanished is ended by the idle-in-transaction timeout).
    return this.db.tx(async (q) => {
      if (this.db.kind === 'postgres') await q.query('SELECT pg_advisory_xact_lock(7243002)');
      const orgs = await q.query<{ id: string }>('SELECT id FROM orgs ORDER BY created_at LIMIT 1');
      if (orgs.length) return null;
      const orgId = newId('org');
      await q.query('INSERT INTO orgs (id, name) VALUES ($1, $2)', [orgId, 'Default organisation']);
      const { client, secret } = await this.insert(q, orgId, 'default', [...SCOPES]);
      return { orgId, client, secret };
    }, { unbounded: true });
  }

  async defaultOrgId(): Promise<string> {
    const [org] = await this.db.query<{ id: string }>('SELECT id FROM orgs ORDER BY created_at LIMIT 1');
    if (!org) throw new Error('no organisation yet: start the server once');
    return org.id;
  }

  create(orgId: string, name: string, scopes: Scope[]): Promise<{ client: ApiClientRecord; secret: string }> {
    return this.insert(this.db, orgId, name, scopes);
  }

  private async insert(q: Queryable, orgId: string, name: string, scopes: Scope[]): Promise<{ client: ApiClientRecord; secret: string }> {
    const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (bad.length) throw new DomainError('invalid_scope', `Unknown scopes: ${bad.join(', ')}. Known: ${SCOPES.join(', ')}.`);
    const id = newId('cli');
    const secret = `tsk_${randomBytes(32).toString('base64url')}`;
    const [row] = await q.query<Row>(
      'INSERT INTO api_clients (id, org_id, name, secret_hash, scopes) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [id, orgId, name, hashSecret(secret), scopes],
    );
    return { client: toRecord(row!), secret };
  }

  async list(orgId: string): Promise<ApiClientRecord[]> {
    const rows = await this.db.query<Row>('SELECT * FROM api_clients WHERE org_id = $1 ORDER BY created_at', [orgId]);
    return rows.map(toRecord);
  }

  async revoke(orgId: string, id: string): Promise<ApiClientRecord> {
    const [row] = await this.db.query<Row>(
      'UPDATE api_clients SET revoked_at = COALESCE(revoked_at, now()) WHERE org_id = $1 AND id = $2 RETURNING *',
      [orgId, id],
    );
    if (!row) throw new DomainError('client_not_found');
    return toRecord(row);
  }

  /** Checks client credentials; the same error for an unknown id and a wrong secret. */
  async authenticate(clientId: string, secret: string): Promise<ApiClientRecord> {
    const [row] = await this.db.query<Row>('SELECT * FROM api_clients WHERE id = $1', [clientId]);
    if (!row || row.revoked_at || !secretMatches(secret, row.secret_hash)) {
      throw new DomainError('invalid_client');
    }
    return toRecord(row);
  }
}
