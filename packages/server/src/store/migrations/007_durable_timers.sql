-- Every timer that matters lives in the database, so it fires after a crash and, with several
-- nodes on one Postgres, on one node only (claimed with FOR UPDATE SKIP LOCKED or a lease).

-- Resume window: a node holding a session's capture socket keeps pushing this forward; when the
-- page is gone (closed, or the node crashed) it passes and any node ends the session
-- (customer_left). Sessions active at the upgrade get a minute for their pages to reattach.
ALTER TABLE sessions ADD COLUMN resume_deadline TIMESTAMPTZ;
UPDATE sessions SET resume_deadline = now() + interval '1 minute' WHERE state = 'active';
CREATE INDEX sessions_resume_due ON sessions (resume_deadline) WHERE state = 'active';

-- Idempotency: a pending key is leased by the request that holds it (owner), so a crash does not
-- leave it stuck; the resource it created is bound in the creating transaction, so a retry that
-- takes over answers with it instead of creating a second one.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT;
ALTER TABLE idempotency_keys ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE idempotency_keys ADD COLUMN resource_id TEXT;

-- SMS retries: a pending delivery keeps its message (same id on every attempt) and when to try
-- next, so any node resumes it after a restart.
ALTER TABLE invite_deliveries ADD COLUMN retry JSONB;
ALTER TABLE invite_deliveries ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE invite_deliveries ADD COLUMN locked_until TIMESTAMPTZ;
CREATE INDEX invite_deliveries_due ON invite_deliveries (next_attempt_at) WHERE state = 'pending';

-- Webhook redelivery: a new delivery of the same event; the one it replaces points at it, so
-- "redeliver every failed delivery since T" twice does not send twice.
ALTER TABLE webhook_deliveries ADD COLUMN redelivered_as TEXT;
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (webhook_id, created_at) WHERE state = 'failed';
