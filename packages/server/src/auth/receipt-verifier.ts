import { CONSENT_RECEIPT_ALG, CONSENT_RECEIPT_TYPE, type ConsentReceiptClaims } from '@tandem/protocol';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';

export type ReceiptCheck =
  | { ok: true; receipt: string; kid: string; claims: ConsentReceiptClaims }
  | { ok: false; receipt: string; reason: string };

/**
 * Verifies a consent receipt offline: signed by a key of the published set (the key the header
 * names), ES256 only, and typed as a receipt, so no other token of ours passes for one.
 */
export async function verifyReceipt(receipt: string, jwks: JSONWebKeySet): Promise<ReceiptCheck> {
  try {
    const { payload } = await jwtVerify(receipt, createLocalJWKSet(jwks), { algorithms: [CONSENT_RECEIPT_ALG], typ: CONSENT_RECEIPT_TYPE });
    return { ok: true, receipt, kid: decodeProtectedHeader(receipt).kid ?? '', claims: payload as ConsentReceiptClaims };
  } catch (err) {
    return { ok: false, receipt, reason: (err as Error).message };
  }
}

/**
 * The receipts in what the user gave: a compact JWS, one receipt object, or the whole answer of
 * GET /v1/conversations/{id}/consent-receipts.
 */
export function receiptsIn(text: string): string[] {
  const t = text.trim();
  if (!t.startsWith('{')) return [t];
  const doc = JSON.parse(t) as { receipt?: unknown; data?: { receipt?: unknown }[] };
  const found = Array.isArray(doc.data) ? doc.data.map((d) => d.receipt) : [doc.receipt];
  if (!found.length || !found.every((r): r is string => typeof r === 'string')) {
    throw new Error('the JSON holds no receipts: give a compact JWS, a receipt object, or the answer of GET /v1/conversations/{id}/consent-receipts');
  }
  return found;
}
