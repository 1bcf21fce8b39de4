import { createHash } from 'node:crypto';
import { CONSENT_RECEIPT_VERSION, type ConsentReceipt, type ConsentReceiptClaims, type ConsentShown } from '@tandem/protocol';
import type { Db, Queryable } from '../store/db.ts';
import type { Tx } from './deps.ts';
import { newId } from '../shared/ids.ts';
import type { VisitorRef } from './visitor-ref.ts';

/** Signs receipt claims as a compact JWS whose header names the key. */
export interface ReceiptSigner {
  sign(q: Queryable, claims: ConsentReceiptClaims): Promise<string>;
}

interface Decision {
  orgId: string;
  conversationId: string;
  inviteId: string;
  sessionId: string;
  consentId: string;
  kind: 'share' | 'control';
  customerId: string | null;
  visitor: VisitorRef;
  at: Date;
}

interface ReceiptRow {
  id: string;
  session_id: string;
  kind: 'share' | 'control';
  decision: 'accepted' | 'withdrawn';
  jws: string;
  recorded_at: Date;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * Consent receipts, signed in the same transaction as the decision they record: a consent that
 * was recorded has a receipt, and a receipt never names a decision that rolled back.
 */
export class ConsentReceipts {
  // `site.publicUrl` is read when signing: it is final only once the server listens (port 0 in tests).
  constructor(private readonly db: Db, private readonly signer: ReceiptSigner, private readonly site: { publicUrl: string }) {}

  private base(d: Decision, receiptId: string, decision: 'accepted' | 'withdrawn'): ConsentReceiptClaims {
    return {
      iss: this.site.publicUrl,
      jti: receiptId,
      iat: Math.floor(d.at.getTime() / 1000),
      ver: CONSENT_RECEIPT_VERSION,
      kind: d.kind,
      decision,
      orgId: d.orgId,
      conversationId: d.conversationId,
      inviteId: d.inviteId,
      sessionId: d.sessionId,
      consentId: d.consentId,
      customerId: d.customerId,
      visitorId: d.visitor.visitorId,
      userAgent: d.visitor.userAgent,
      recordedAt: d.at.toISOString(),
    };
  }

  async acceptedInTx(tx: Tx, d: Decision, shown: ConsentShown): Promise<string> {
    const id = newId('rcp');
    const clickedAt = shown.clickedAt && !Number.isNaN(Date.parse(shown.clickedAt)) ? new Date(shown.clickedAt).toISOString() : null;
    const claims: ConsentReceiptClaims = {
      ...this.base(d, id, 'accepted'),
      clickedAt,
      shown: { text: shown.text, locale: shown.locale ?? null, copyVersion: shown.version ?? null, companyName: shown.companyName, agentName: shown.agentName,
        phrase: shown.phrase },
    };
    await this.store(tx, d, id, 'accepted', await this.signer.sign(tx.q, claims));
    return id;
  }

  /** The customer took the consent back: a second receipt that names the acceptance it ends. */
  async withdrawnInTx(tx: Tx, d: Decision): Promise<string> {
    const [accepted] = await tx.q.query<ReceiptRow>(
      "SELECT * FROM consent_receipts WHERE session_id = $1 AND kind = $2 AND decision = 'accepted' ORDER BY recorded_at DESC LIMIT 1",
      [d.sessionId, d.kind],
    );
    const id = newId('rcp');
    const claims: ConsentReceiptClaims =
      { ...this.base(d, id, 'withdrawn'), ...(accepted ? { withdraws: { receiptId: accepted.id, sha256: sha256(accepted.jws) } } : {}) };
    await this.store(tx, d, id, 'withdrawn', await this.signer.sign(tx.q, claims));
    return id;
  }

  private async store(tx: Tx, d: Decision, id: string, decision: 'accepted' | 'withdrawn', jws: string) {
    await tx.q.query(
      `INSERT INTO consent_receipts (id, org_id, conversation_id, session_id, consent_id, kind, decision, jws, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, d.orgId, d.conversationId, d.sessionId, d.consentId, d.kind, decision, jws, d.at],
    );
  }

  async list(orgId: string, conversationId: string): Promise<ConsentReceipt[]> {
    const rows = await this.db.query<ReceiptRow>('SELECT * FROM consent_receipts WHERE org_id = $1 AND conversation_id = $2 ORDER BY recorded_at, id',
      [orgId, conversationId]);
    return rows.map((r) =>
      ({ id: r.id, kind: r.kind, decision: r.decision, sessionId: r.session_id, recordedAt: new Date(r.recorded_at).toISOString(), receipt: r.jws }));
  }
}
