-- Consent receipts: signed records of what the customer was shown when they decided, and of the
-- withdrawal. Signed with ES256 keys kept here so every node signs with, and the JWKS publishes,
-- the same keys; the newest key signs, every key stays published so old receipts still verify.
CREATE TABLE receipt_keys (
  id               TEXT PRIMARY KEY,
  alg              TEXT NOT NULL,
  private_jwk      JSONB NOT NULL,
  public_jwk       JSONB NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE consent_receipts (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL REFERENCES orgs(id),
  conversation_id  TEXT NOT NULL,
  session_id       TEXT NOT NULL,
  consent_id       TEXT NOT NULL,
  kind             TEXT NOT NULL,
  decision         TEXT NOT NULL,
  jws              TEXT NOT NULL,
  recorded_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX consent_receipts_conversation ON consent_receipts (org_id, conversation_id, recorded_at);
CREATE INDEX consent_receipts_session ON consent_receipts (session_id, kind, recorded_at);
