/**
 * Consent receipts: for each consent decision (the customer shares a tab, allows control) and
 * each withdrawal (stops sharing, takes control back) the server signs a record of exactly what
 * the customer was shown. A receipt is a compact JWS (ES256, `kid` in the header) whose payload
 * is `ConsentReceiptClaims`; the public keys are at `GET /.well-known/jwks.json`, so anyone can
 * verify a receipt offline, long after the call.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The JWS `typ` header of a receipt, so a receipt is never mistaken for another kind of token. */
export const CONSENT_RECEIPT_TYPE = 'consent-receipt+jwt';
/** The payload's `ver`: bumped when a claim changes meaning. */
export const CONSENT_RECEIPT_VERSION = 1;
export const CONSENT_RECEIPT_ALG = 'ES256';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** What the prompt showed, as the customer's browser reported it at the trusted click and the server checked it. */
export const ReceiptShown = Type.Object({
  text: Type.String({ description: 'The prompt\'s rendered visible text, as the browser laid it out.' }),
  locale: Nullable(Type.String({ description: 'The language the prompt was in (BCP 47).' })),
  copyVersion: Nullable(Type.String({ description: 'The version of the prompt\'s wording.' })),
  companyName: Type.String(),
  agentName: Type.String(),
  phrase: Type.String({ description: 'The matching phrase the prompt showed (share) or the session\'s phrase (control).' }),
});

export const ConsentReceiptClaims = Type.Object({
  iss: Type.String({ description: 'The Tandem server that signed it (its public URL).' }),
  jti: Type.String({ description: 'The receipt id.' }),
  iat: Type.Integer({ description: 'When it was signed (Unix seconds).' }),
  ver: Type.Literal(CONSENT_RECEIPT_VERSION),
  kind: Type.Union([Type.Literal('share'), Type.Literal('control')]),
  decision: Type.Union([Type.Literal('accepted'), Type.Literal('withdrawn')]),
  orgId: Type.String(),
  conversationId: Type.String(),
  inviteId: Type.String(),
  sessionId: Type.String(),
  consentId: Type.String({ description: 'The consent record in the conversation\'s audit trail.' }),
  customerId: Nullable(Type.String()),
  visitorId: Type.String(),
  userAgent: Nullable(Type.String()),
  recordedAt: Type.String({ format: 'date-time', description: 'When the server recorded the decision.' }),
  clickedAt: Type.Optional(Nullable(Type.String({ description: 'accepted: the trusted click, by the customer\'s browser clock.' }))),
  shown: Type.Optional(ReceiptShown),
  withdraws: Type.Optional(Type.Object({
    receiptId: Type.String(),
    sha256: Type.String({ description: 'base64url SHA-256 of the withdrawn receipt\'s compact JWS.' }),
  }, { description: 'withdrawn: the acceptance this ends.' })),
});
export type ConsentReceiptClaims = Static<typeof ConsentReceiptClaims>;

/** One receipt as the API lists it: the signed JWS and, for reading, a few of its claims. */
export const ConsentReceipt = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('share'), Type.Literal('control')]),
  decision: Type.Union([Type.Literal('accepted'), Type.Literal('withdrawn')]),
  sessionId: Type.String(),
  recordedAt: DateTime,
  receipt: Type.String({ description: 'The compact JWS. Verify it against /.well-known/jwks.json before trusting any claim.' }),
});
export type ConsentReceipt = Static<typeof ConsentReceipt>;

export const ConsentReceiptList = Type.Object({
  conversationId: Type.String(),
  jwksUrl: Type.String({ description: 'Where the public keys that verify these receipts are published.' }),
  data: Type.Array(ConsentReceipt),
});
export type ConsentReceiptList = Static<typeof ConsentReceiptList>;
