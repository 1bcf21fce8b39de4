import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { newId } from '../shared/ids.ts';

export interface SigningKey {
  kid: string;
  key: Uint8Array;
}

/**
 * The HS256 keys that sign access and agent tokens live in the store, so tokens stay valid across
 * restarts and every node of a cluster verifies what another signed. The newest key signs; all verify.
 */
export async function loadSigningKeys(db: Db): Promise<SigningKey[]> {
  let rows = await db.query<{ id: string; secret: string }>('SELECT id, secret FROM signing_keys ORDER BY created_at DESC');
  if (rows.length === 0) {
    await db.query('INSERT INTO signing_keys (id, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING', [newId('key'), randomBytes(32).toString('base64')]);
    rows = await db.query('SELECT id, secret FROM signing_keys ORDER BY created_at DESC');
  }
  return rows.map((r) => ({ kid: r.id, key: Buffer.from(r.secret, 'base64') }));
}
