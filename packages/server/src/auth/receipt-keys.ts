import { CONSENT_RECEIPT_ALG, CONSENT_RECEIPT_TYPE } from '@tandem/protocol';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload } from 'jose';
import type { Db, Queryable } from '../store/db.ts';
import { newId } from '../shared/ids.ts';

interface KeyRow {
  id: string;
  private_jwk: JWK;
}

/** A public key as /.well-known/jwks.json publishes it (RFC 7517). */
export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
  use: 'sig';
}

type PrivateKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * The ES256 keys that sign consent receipts. Asymmetric, unlike the token keys, because a receipt
 * must be verifiable by people who must not be able to make one (a regulator, the company's
 * lawyers). Kept in the store, so every node signs with the newest key and publishes all of them;
 * rotating adds a key (`tandem receipts rotate-key`): new receipts name it in their `kid`, old ones
 * keep verifying against the key they name.
 */
export class ReceiptKeys {
  private readonly imported = new Map<string, PrivateKey>();

  constructor(private readonly db: Db) {}

  /** Adds a new signing key; it signs every receipt from now on. */
  async rotate(q: Queryable = this.db): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(CONSENT_RECEIPT_ALG, { extractable: true });
    const kid = newId('rk');
    await q.query('INSERT INTO receipt_keys (id, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)', [
      kid, CONSENT_RECEIPT_ALG, JSON.stringify(await exportJWK(privateKey)), JSON.stringify(await exportJWK(publicKey)),
    ]);
    return kid;
  }

  /**
   * Read per signature (one indexed row), so a key rotated on another node is used at once; read
   * through the caller's transaction, which may hold the only connection (PGlite).
   */
  private async newest(q: Queryable): Promise<{ kid: string; key: PrivateKey }> {
    const newestSql = 'SELECT id, private_jwk FROM receipt_keys ORDER BY created_at DESC, id DESC LIMIT 1';
    let [row] = await q.query<KeyRow>(newestSql);
    if (!row) {
      await this.rotate(q);
      [row] = await q.query<KeyRow>(newestSql);
    }
    let key = this.imported.get(row!.id);
    if (!key) {
      key = await importJWK(row!.private_jwk, CONSENT_RECEIPT_ALG);
      this.imported.set(row!.id, key);
    }
    return { kid: row!.id, key };
  }

  async sign(q: Queryable, claims: JWTPayload): Promise<string> {
    const { kid, key } = await this.newest(q);
    return new SignJWT(claims).setProtectedHeader({ alg: CONSENT_RECEIPT_ALG, kid, typ: CONSENT_RECEIPT_TYPE }).sign(key);
  }

  /** Every key's public half, newest first. */
  async publicJwks(): Promise<{ keys: PublicJwk[] }> {
    const rows = await this.db.query<{ id: string; public_jwk: JWK }>('SELECT id, public_jwk FROM receipt_keys ORDER BY created_at DESC, id DESC');
    return { keys: rows.map((r) =>
      ({ kty: r.public_jwk.kty, crv: r.public_jwk.crv, x: r.public_jwk.x, y: r.public_jwk.y, kid: r.id, alg: CONSENT_RECEIPT_ALG, use: 'sig' as const })) };
  }
}
