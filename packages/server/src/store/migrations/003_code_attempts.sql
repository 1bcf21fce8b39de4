-- Every attempt at a code (typed by a customer, claimed by an agent), for the audit trail.
CREATE TABLE code_attempts (
  id               BIGSERIAL PRIMARY KEY,
  org_id           TEXT NOT NULL,
  kind             TEXT NOT NULL,
  source           TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  conversation_id  TEXT,
  invite_id        TEXT,
  at               TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX code_attempts_org ON code_attempts (org_id, id);
