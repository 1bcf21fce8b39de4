import type { Db, Queryable } from '../store/db.ts';

/** One request's claim on an Idempotency-Key; every write checks `owner`, so a request that lost the key changes nothing. */
export interface IdempotencyClaim {
  orgId: string;
  key: string;
  owner: string;
}

/** A key as stored: the request it was first used with, and its answer once there is one. */
export interface IdempotencyKeyRow {
  fingerprint: string;
  state: string;
  status: number;
  body: unknown;
  owner: string | null;
  lease_until: Date | null;
}

/** Binds the resource a request created to its key, inside the creating transaction. */
export type ResourceBinding = (q: Queryable, resourceId: string) => Promise<void>;

/**
 * The idempotency_keys table: the SQL behind the API's Idempotency-Key (api/idempotency.ts keeps
 * the HTTP side: which requests, fingerprints, replies).
 */
export class IdempotencyKeys {
  constructor(private readonly db: Db) {}

  /** Reserves a new key for `claim` until `leaseUntil`; false when the key exists already. */
  async reserve(claim: IdempotencyClaim, fingerprint: string, leaseUntil: Date): Promise<boolean> {
    const inserted = await this.db.query(
      'INSERT INTO idempotency_keys (org_id, key, fingerprint, state, owner, lease_until) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING key',
      [claim.orgId, claim.key, fingerprint, 'pending', claim.owner, leaseUntil],
    );
    return inserted.length > 0;
  }

  async read(orgId: string, key: string): Promise<IdempotencyKeyRow | null> {
    const [row] = await this.db.query<IdempotencyKeyRow>(
      'SELECT fingerprint, state, status, body, owner, lease_until FROM idempotency_keys WHERE org_id = $1 AND key = $2',
      [orgId, key],
    );
    return row ?? null;
  }

  /** Takes a pending key over from `previousOwner` (its lease ran out); null when another retry just did. */
  async takeOver(claim: IdempotencyClaim, leaseUntil: Date, previousOwner: string | null): Promise<{ resourceId: string | null } | null> {
    const [taken] = await this.db.query<{ resource_id: string | null }>(
      `UPDATE idempotency_keys SET owner = $3, lease_until = $4
        WHERE org_id = $1 AND key = $2 AND state = 'pending' AND owner IS NOT DISTINCT FROM $5 RETURNING resource_id`,
      [claim.orgId, claim.key, claim.owner, leaseUntil, previousOwner],
    );
    return taken ? { resourceId: taken.resource_id } : null;
  }

  /**
   * A server fault is not an answer: frees the key so the client's retry runs again. If the
   * resource was committed before the fault, keeps the binding and lets the retry take it over.
   */
  async release(claim: IdempotencyClaim): Promise<void> {
    const mine = [claim.orgId, claim.key, claim.owner];
    await this.db.query('DELETE FROM idempotency_keys WHERE org_id = $1 AND key = $2 AND owner = $3 AND resource_id IS NULL', mine);
    await this.db.query('UPDATE idempotency_keys SET lease_until = NULL WHERE org_id = $1 AND key = $2 AND owner = $3', mine);
  }

  /** Stores the answer a retry with the same key gets. */
  async complete(claim: IdempotencyClaim, status: number, body: string): Promise<void> {
    await this.db.query(
      'UPDATE idempotency_keys SET state = $4, status = $5, body = $6 WHERE org_id = $1 AND key = $2 AND owner = $3',
      [claim.orgId, claim.key, claim.owner, 'done', status, body],
    );
  }

  /** Binds the created resource to the key in the creating transaction; false when the claim was lost. */
  static async bind(q: Queryable, claim: IdempotencyClaim, resourceId: string): Promise<boolean> {
    const bound = await q.query(
      'UPDATE idempotency_keys SET resource_id = $4 WHERE org_id = $1 AND key = $2 AND owner = $3 AND resource_id IS NULL RETURNING key',
      [claim.orgId, claim.key, claim.owner, resourceId],
    );
    return bound.length > 0;
  }
}
