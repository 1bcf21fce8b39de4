-- Expired support codes are deleted by the sweeper (and a colliding expired code on request), so
-- a code's value is taken only while it is live.
CREATE INDEX support_codes_expiry ON support_codes (expires_at);
