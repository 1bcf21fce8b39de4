import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { contractMessage, smsProviderContract } from './suites/sms-provider-contract.ts';
import { SmsSendError } from '../src/channels/sms-provider.ts';
import { TwilioSmsProvider } from '../src/channels/twilio-sms-provider.ts';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, startFakeTwilio, twilioError } from './fake-twilio.ts';

const FROM = '+15005550006';

smsProviderContract('twilio', async () => {
  const fake = await startFakeTwilio();
  const provider =
    new TwilioSmsProvider({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, sender: { from: FROM }, baseUrl: fake.baseUrl, timeoutMs: 2000 });
  return {
    provider,
    received: async () => fake.accepted.map((m) => ({ to: m.to, body: m.body })),
    failTransiently: (n) => fake.answerNext(...Array.from({ length: n }, () => twilioError(503, 20500, 'Service Unavailable'))),
    failPermanently: () => fake.answerNext(twilioError(400, 21211, "The 'To' number +15005550001 is not a valid phone number.")),
    close: fake.close,
  };
});

describe('twilio: the request on the wire', () => {
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  before(async () => {
    fake = await startFakeTwilio();
  });
  after(async () => fake.close());

  test('one form-encoded POST to the Messages resource with basic auth, byte for byte', async () => {
    const provider =
      new TwilioSmsProvider({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, sender: { from: FROM }, baseUrl: `${fake.baseUrl}/`, timeoutMs: 2000 });
    const r = await provider.send(contractMessage({ to: '+14155550123', body: 'Hi Zoë, tap https://x.test/j/ab?c=1&d=2 now 🙂' }));
    assert.match(r.providerId, /^SM[0-9a-f]{32}$/);
    assert.equal(r.status, 'queued');

    const req = fake.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json', 'a trailing slash on the base URL does not double');
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:test-auth-token-f00d').toString('base64')}`);
    assert.equal(req.headers.authorization, 'Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp0ZXN0LWF1dGgtdG9rZW4tZjAwZA==');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req.headers.accept, 'application/json');
    const expected = 'To=%2B14155550123&From=%2B15005550006&Body=Hi+Zo%C3%AB%2C+tap+https%3A%2F%2Fx.test%2Fj%2Fab%3Fc%3D1%26d%3D2+now+%F0%9F%99%82';
    assert.equal(req.raw.toString('latin1'), expected, 'field order To, From, Body; + in E.164 as %2B, spaces as +, UTF-8 percent-encoded');
    assert.equal(req.headers['content-length'], String(Buffer.byteLength(expected)));
  });

  test('with a Messaging Service the sender field is MessagingServiceSid instead of From', async () => {
    const service = `MG${'a'.repeat(32)}`;
    const provider = new TwilioSmsProvider(
      { accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, sender: { messagingServiceSid: service }, baseUrl: fake.baseUrl, timeoutMs: 2000 });
    await provider.send(contractMessage({ to: '+447911123456', body: 'x y' }));
    assert.equal(fake.requests.at(-1)!.raw.toString(), `To=%2B447911123456&MessagingServiceSid=${service}&Body=x+y`);
    assert.equal(fake.accepted.at(-1)!.messagingServiceSid, service);
  });

  test('wrong credentials are a permanent configuration failure', async () => {
    const provider =
      new TwilioSmsProvider({ accountSid: TEST_ACCOUNT_SID, authToken: 'wrong', sender: { from: FROM }, baseUrl: fake.baseUrl, timeoutMs: 2000 });
    await assert.rejects(provider.send(contractMessage()), (err: SmsSendError) => {
      assert.equal(err.reason, 'provider_config');
      assert.equal(err.retryable, false);
      assert.match(err.message, /Twilio 20003: Authenticate \(check the TWILIO_\* settings\)/);
      return true;
    });
  });
});

describe('twilio: error responses become our reasons', () => {
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  let provider: TwilioSmsProvider;
  before(async () => {
    fake = await startFakeTwilio();
    provider =
      new TwilioSmsProvider({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, sender: { from: FROM }, baseUrl: fake.baseUrl, timeoutMs: 300 });
  });
  after(async () => fake.close());

  const cases: [string, () => void, string, boolean, RegExp][] = [
    ['21211 invalid number', () => fake.answerNext(twilioError(400, 21211, "The 'To' number +1555 is not a valid phone number.")), 'invalid_phone', false,
      /Twilio 21211: The 'To' number/],
    ['21614 not a mobile', () => fake.answerNext(twilioError(400, 21614, "'To' number is not a valid mobile number")), 'invalid_phone', false, /21614/],
    ['21610 opted out', () => fake.answerNext(twilioError(400, 21610, 'Attempt to send to unsubscribed recipient')), 'opted_out', false, /unsubscribed/],
    ['20003 authentication', () => fake.answerNext(twilioError(401, 20003, 'Authenticate')), 'provider_config', false, /TWILIO_/],
    ['21606 bad From', () => fake.answerNext(twilioError(400, 21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number.")),
      'provider_config', false, /21606/],
    ['20429 too many requests', () => fake.answerNext(twilioError(429, 20429, 'Too Many Requests')), 'rate_limited', true, /20429/],
    ['429 without a code', () => fake.answerNext({ status: 429, body: 'slow down' }), 'rate_limited', true, /Twilio 429/],
    ['500', () => fake.answerNext(twilioError(500, 20500, 'Internal Server Error')), 'provider_unavailable', true, /20500/],
    ['503 with an HTML page', () => fake.answerNext({ status: 503, body: '<html>bad gateway</html>' }), 'provider_unavailable', true, /Twilio 503$/],
    ['another 4xx', () => fake.answerNext(twilioError(400, 21408, 'Permission to send an SMS has not been enabled for the region')), 'provider_rejected', false,
      /21408/],
    ['201 but failed', () => fake.answerNext({ status: 201, body: { sid: 'SMx', status: 'failed' } }), 'provider_rejected', false, /marked it failed/],
  ];
  for (const [name, arrange, reason, retryable, message] of cases) {
    test(`${name} → ${reason}${retryable ? ' (retried)' : ' (not retried)'}`, async () => {
      arrange();
      await assert.rejects(provider.send(contractMessage()), (err: SmsSendError) => {
        assert.ok(err instanceof SmsSendError);
        assert.equal(err.reason, reason);
        assert.equal(err.retryable, retryable);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test('Retry-After is kept for the next attempt', async () => {
    fake.answerNext({ ...twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '2' } });
    await assert.rejects(provider.send(contractMessage()), (err: SmsSendError) => err.retryAfterMs === 2000);
  });

  test('a Twilio that does not answer in time is passing trouble', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const slow = new TwilioSmsProvider({ accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, sender: { from: FROM },
      baseUrl: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, timeoutMs: 200 });
    await assert.rejects(slow.send(contractMessage()),
      (err: SmsSendError) => err.reason === 'network' && err.retryable && /did not answer within 200 ms/.test(err.message));
    silent.closeAllConnections();
    silent.close();
  });

  test('a Twilio that cannot be reached is passing trouble', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const gone = new TwilioSmsProvider(
      { accountSid: TEST_ACCOUNT_SID, authToken: TEST_AUTH_TOKEN, sender: { from: FROM }, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 500 });
    await assert.rejects(gone.send(contractMessage()),
      (err: SmsSendError) => err.reason === 'network' && err.retryable && /could not be reached \(ECONNREFUSED\)/.test(err.message));
  });
});
