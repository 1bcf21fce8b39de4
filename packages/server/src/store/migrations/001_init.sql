-- Tandem schema v1. Postgres dialect; runs unchanged on PGlite and a Postgres server.

CREATE TABLE orgs (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  event_seq   BIGINT NOT NULL DEFAULT 0,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_clients (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES orgs(id),
  name         TEXT NOT NULL,
  secret_hash  TEXT NOT NULL,
  scopes       TEXT[] NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at   TIMESTAMPTZ
);

CREATE TABLE signing_keys (
  id          TEXT PRIMARY KEY,
  secret      TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
  org_id           TEXT NOT NULL REFERENCES orgs(id),
  id               TEXT NOT NULL,
  state            TEXT NOT NULL,
  customer         JSONB NOT NULL DEFAULT '{}',
  agent            JSONB,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  connected_at     TIMESTAMPTZ,
  disconnected_at  TIMESTAMPTZ,
  PRIMARY KEY (org_id, id)
);

CREATE TABLE deployments (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL REFERENCES orgs(id),
  name             TEXT NOT NULL,
  company_name     TEXT NOT NULL,
  key              TEXT NOT NULL UNIQUE,
  identity_secret  TEXT NOT NULL,
  allowed_origins  TEXT[] NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE invites (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL REFERENCES orgs(id),
  conversation_id  TEXT NOT NULL,
  customer_id      TEXT,
  state            TEXT NOT NULL,
  code             TEXT NOT NULL,
  secret           TEXT NOT NULL UNIQUE,
  phrase           TEXT NOT NULL,
  return_url       TEXT,
  agent_name       TEXT NOT NULL,
  channels         TEXT[] NOT NULL,
  session_id       TEXT,
  expires_at       TIMESTAMPTZ NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, conversation_id) REFERENCES conversations(org_id, id)
);
-- A code is unique among an organisation's live invites only, so six digits go a long way.
CREATE UNIQUE INDEX invites_live_code ON invites (org_id, code) WHERE state IN ('created', 'delivered', 'opened');
CREATE INDEX invites_live_expiry ON invites (expires_at) WHERE state IN ('created', 'delivered', 'opened');
CREATE INDEX invites_conversation ON invites (org_id, conversation_id);

CREATE TABLE invite_deliveries (
  id          BIGSERIAL PRIMARY KEY,
  invite_id   TEXT NOT NULL REFERENCES invites(id),
  channel     TEXT NOT NULL,
  state       TEXT NOT NULL,
  detail      TEXT,
  at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX invite_deliveries_invite ON invite_deliveries (invite_id);

CREATE TABLE sessions (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL REFERENCES orgs(id),
  conversation_id  TEXT NOT NULL,
  invite_id        TEXT NOT NULL UNIQUE REFERENCES invites(id),
  customer_id      TEXT,
  visitor_id       TEXT NOT NULL,
  state            TEXT NOT NULL,
  control          BOOLEAN NOT NULL DEFAULT false,
  started_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  ended_at         TIMESTAMPTZ,
  end_reason       TEXT
);
CREATE INDEX sessions_conversation ON sessions (org_id, conversation_id);

CREATE TABLE consents (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL REFERENCES orgs(id),
  conversation_id  TEXT NOT NULL,
  invite_id        TEXT NOT NULL,
  session_id       TEXT,
  kind             TEXT NOT NULL,
  decision         TEXT NOT NULL,
  customer_id      TEXT,
  visitor_id       TEXT NOT NULL,
  shown            JSONB,
  user_agent       TEXT,
  ip               TEXT,
  at               TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX consents_conversation ON consents (org_id, conversation_id);

CREATE TABLE events (
  org_id           TEXT NOT NULL REFERENCES orgs(id),
  seq              BIGINT NOT NULL,
  id               TEXT NOT NULL UNIQUE,
  type             TEXT NOT NULL,
  conversation_id  TEXT,
  invite_id        TEXT,
  session_id       TEXT,
  data             JSONB NOT NULL,
  occurred_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, seq)
);
CREATE INDEX events_conversation ON events (org_id, conversation_id, seq);

CREATE TABLE webhooks (
  id           TEXT PRIMARY KEY,
  org_id       TEXT NOT NULL REFERENCES orgs(id),
  url          TEXT NOT NULL,
  events       TEXT[] NOT NULL,
  secret       TEXT NOT NULL,
  description  TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  deleted_at   TIMESTAMPTZ
);

CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,
  org_id           TEXT NOT NULL,
  webhook_id       TEXT NOT NULL REFERENCES webhooks(id),
  event_id         TEXT NOT NULL REFERENCES events(id),
  state            TEXT NOT NULL,
  attempt_count    INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TIMESTAMPTZ,
  locked_until     TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_attempts (
  delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries(id),
  attempt      INTEGER NOT NULL,
  at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  status       INTEGER,
  error        TEXT,
  duration_ms  INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

CREATE TABLE idempotency_keys (
  org_id       TEXT NOT NULL,
  key          TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  state        TEXT NOT NULL,
  status       INTEGER,
  body         JSONB,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, key)
);

CREATE TABLE sms_outbox (
  id          TEXT PRIMARY KEY,
  org_id      TEXT NOT NULL,
  to_phone    TEXT NOT NULL,
  body        TEXT NOT NULL,
  invite_id   TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sms_outbox_org ON sms_outbox (org_id, created_at);

CREATE TABLE support_codes (
  id             TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  deployment_id  TEXT NOT NULL,
  code           TEXT NOT NULL,
  visitor_id     TEXT NOT NULL,
  customer_id    TEXT,
  expires_at     TIMESTAMPTZ NOT NULL,
  claimed_at     TIMESTAMPTZ,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX support_codes_live ON support_codes (org_id, code) WHERE claimed_at IS NULL;
