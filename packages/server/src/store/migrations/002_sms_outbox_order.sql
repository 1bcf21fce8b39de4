-- Outbox messages stored in the same millisecond (PGlite's clock resolution) keep the order they
-- were stored in: GET /v1/sms/outbox and the phone view read them newest first.
ALTER TABLE sms_outbox ADD COLUMN seq BIGSERIAL;
