-- How agents sign in on the interaction widget page: 'pkce' (authorization code with PKCE, a
-- Code Authorization client) or 'implicit' (a Token Implicit Grant client). Links made before
-- this column were made for implicit-grant clients, so they keep that; new links default to PKCE.
ALTER TABLE genesys_integrations ADD COLUMN widget_grant TEXT NOT NULL DEFAULT 'implicit';
ALTER TABLE genesys_integrations ALTER COLUMN widget_grant SET DEFAULT 'pkce';
