import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { newWebhookSecret } from '../src/events/webhook-signing.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  return [];
};

const SID = `AC${'0a'.repeat(16)}`;

test('the outbox is the default SMS provider, with three attempts a second apart and doubling', () => {
  const c = loadConfig({});
  assert.deepEqual(c.sms, { provider: { kind: 'outbox' }, maxAttempts: 3, retryBaseMs: 1000, timeoutMs: 10_000, template: null });
  assert.equal(c.defaultPhoneRegion, null);
});

test('twilio settings are read, with the API base defaulting to Twilio', () => {
  const c = loadConfig({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tok', TWILIO_FROM: '+15005550006' });
  assert.deepEqual(c.sms.provider, { kind: 'twilio', accountSid: SID, authToken: 'tok', sender: { from: '+15005550006' }, baseUrl: 'https://api.twilio.com' });
  const svc = `MG${'b'.repeat(32)}`;
  const m = loadConfig({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tok', TWILIO_MESSAGING_SERVICE_SID: svc,
    TWILIO_BASE_URL: 'http://127.0.0.1:9999/' });
  assert.deepEqual(m.sms.provider,
    { kind: 'twilio', accountSid: SID, authToken: 'tok', sender: { messagingServiceSid: svc }, baseUrl: 'http://127.0.0.1:9999' });
  assert.equal(loadConfig({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: 'ACME' }).sms.provider.kind, 'twilio',
    'alphanumeric sender ids are accepted');
});

test('a twilio set-up missing pieces is refused with one line per problem', () => {
  assert.deepEqual(problemsOf({ SMS_PROVIDER: 'twilio' }), [
    'TWILIO_ACCOUNT_SID must be set when SMS_PROVIDER=twilio',
    'TWILIO_AUTH_TOKEN must be set when SMS_PROVIDER=twilio',
    'TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID must be set when SMS_PROVIDER=twilio',
  ]);
  assert.deepEqual(problemsOf(
    { SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'SK123', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '555-ACME-LONG-NAME', TWILIO_BASE_URL: 'ftp://x' }), [
    'TWILIO_ACCOUNT_SID="SK123" must be AC followed by 32 hex digits',
    'TWILIO_FROM="555-ACME-LONG-NAME" must be a number in E.164 (+14155550123), a short code, or an alphanumeric sender id of up to 11 characters',
    'TWILIO_BASE_URL="ftp://x" must be a URL starting with http:// or https://',
  ]);
  assert.deepEqual(problemsOf({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+15005550006',
    TWILIO_MESSAGING_SERVICE_SID: `MG${'b'.repeat(32)}` }), [
    'TWILIO_FROM and TWILIO_MESSAGING_SERVICE_SID are both set: set one (the Messaging Service picks the sender itself)',
  ]);
});

test('webhook settings are checked: a URL and a Standard Webhooks secret', () => {
  const secret = newWebhookSecret();
  assert.deepEqual(loadConfig({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'https://sms.example.com/send', SMS_WEBHOOK_SECRET: secret }).sms.provider,
    { kind: 'webhook', url: 'https://sms.example.com/send', secret });
  assert.deepEqual(problemsOf({ SMS_PROVIDER: 'webhook' }), [
    "SMS_WEBHOOK_URL must be set when SMS_PROVIDER=webhook (the company's sender that receives each message)",
    'SMS_WEBHOOK_SECRET must be set when SMS_PROVIDER=webhook (whsec_<base64 key>, as `tandem` prints for webhooks)',
  ]);
  assert.deepEqual(problemsOf({ SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'sms.example.com', SMS_WEBHOOK_SECRET: 'hunter2' }), [
    'SMS_WEBHOOK_URL="sms.example.com" must be a URL starting with http:// or https://',
    'SMS_WEBHOOK_SECRET must be whsec_ followed by a base64 key of 24 to 64 bytes',
  ]);
});

test('other SMS settings: provider name, template, retries, region', () => {
  assert.deepEqual(problemsOf({ SMS_PROVIDER: 'nexmo', SMS_TEMPLATE: 'Hi {name}', SMS_MAX_ATTEMPTS: '0', DEFAULT_PHONE_REGION: 'usa' }), [
    'DEFAULT_PHONE_REGION="usa" must be a two-letter region code in capitals, e.g. US or GB',
    'SMS_PROVIDER="nexmo" must be one of outbox, webhook, twilio, genesys',
    'SMS_TEMPLATE must contain {link}',
    'SMS_TEMPLATE has an unknown placeholder {name} (use {company}, {agent}, {link}, {minutes})',
    'SMS_MAX_ATTEMPTS="0" must be a whole number from 1 to 10',
  ]);
  const c =
    loadConfig({ SMS_TEMPLATE: '{company}: {link}', DEFAULT_PHONE_REGION: 'GB', SMS_MAX_ATTEMPTS: '5', SMS_RETRY_BASE_MS: '200', SMS_TIMEOUT_MS: '3000' });
  assert.equal(c.sms.template, '{company}: {link}');
  assert.equal(c.defaultPhoneRegion, 'GB');
  assert.deepEqual([c.sms.maxAttempts, c.sms.retryBaseMs, c.sms.timeoutMs], [5, 200, 3000]);
});
