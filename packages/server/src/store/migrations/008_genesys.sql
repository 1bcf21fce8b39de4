-- A Genesys Cloud organisation linked to a Tandem organisation: where it lives, the OAuth client
-- Tandem signs in with (the secret is needed to sign in, so it is kept, and never returned),
-- whom to follow, the SMS sender; and the link's health as the node holding it last saw it.
CREATE TABLE genesys_integrations (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id),
  region TEXT NOT NULL,
  api_base_url TEXT NOT NULL,
  login_base_url TEXT NOT NULL,
  client_id TEXT NOT NULL,
  client_secret TEXT NOT NULL,
  follow_users JSONB NOT NULL DEFAULT '[]',
  follow_queues JSONB NOT NULL DEFAULT '[]',
  sms_from TEXT,
  -- A browser (implicit grant) OAuth client the agents sign in with on the interaction widget page.
  widget_client_id TEXT,
  -- The Tandem API client that made the link: widget consoles are agent tokens on its behalf, so
  -- revoking it ends them.
  linked_by_client TEXT,
  health TEXT NOT NULL DEFAULT 'connecting',
  health_reason TEXT,
  health_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- One node holds the notification channel: whoever holds an unexpired lease.
  lease_holder TEXT,
  lease_until TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The Tandem conversations that mirror a Genesys call, so a resync after a gap knows what to re-read.
CREATE TABLE genesys_calls (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  conversation_id TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, conversation_id)
);
