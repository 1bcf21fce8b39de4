import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newWebhookSecret } from '../src/events/webhook-signing.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { SHOP_ORIGIN, connectedCall, createDeployment, eventsOf, waitUntil } from './fixtures.ts';
import { TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, startFakeTwilio, twilioError } from './fake-twilio.ts';
import { startSmsWebhookReceiver } from './sms-webhook-receiver.ts';
import { VisitorClient } from './visitor-client.ts';

interface Delivery { channel: string; state: string; detail?: string }

const smsOf = (invite: { deliveries: Delivery[] }) => {
  const sms = invite.deliveries.filter((d) => d.channel === 'sms');
  assert.equal(sms.length, 1, `one sms delivery, not ${JSON.stringify(invite.deliveries)}`);
  return sms[0]!;
};

async function settledSms(s: TestServer, inviteId: string): Promise<{ invite: { state: string; code: string; deliveries: Delivery[] }; sms: Delivery }> {
  return waitUntil(async () => {
    const invite = (await s.api('GET', `/v1/invites/${inviteId}`)).body;
    const sms = smsOf(invite);
    return sms.state !== 'pending' ? { invite, sms } : null;
  }, 5000, 'the sms delivery to settle');
}

describe('sms through Twilio, end to end', () => {
  let s: TestServer;
  let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
  let dep: { key: string };
  before(async () => {
    twilio = await startFakeTwilio();
    s = await startTestServer('pglite', {
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
      TWILIO_FROM: '+15005550006',
      TWILIO_BASE_URL: twilio.baseUrl,
      SMS_MAX_ATTEMPTS: '3',
      SMS_RETRY_BASE_MS: '50',
      SMS_TIMEOUT_MS: '1000',
    });
    dep = await createDeployment(s);
  });
  after(async () => {
    await s?.close();
    await twilio?.close();
  });

  test('the customer gets one text with the company, the agent and the link; the invite is delivered', async () => {
    const call = await connectedCall(s, { phone: '+1 (415) 555-0123' });
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'delivered');
    const sms = smsOf(res.body);
    assert.equal(sms.state, 'sent');
    assert.match(sms.detail!, /^twilio:SM[0-9a-f]{32}$/);
    const text = twilio.accepted.find((m) => m.body.includes(res.body.link))!;
    assert.equal(text.to, '+14155550123');
    assert.equal(text.from, '+15005550006');
    assert.equal(text.body, `Acme: Dana asks to see your screen: ${res.body.link} (valid 10 min). Unexpected? Ignore it.`);
    const ev = (await eventsOf(s, call.id)).find((e) => e.type === 'invite.delivered')!;
    assert.equal(ev.data.channel, 'sms');
  });

  test('an outage (503, then 201) is retried: delivered after the retry, one text, nothing lost', async () => {
    const call = await connectedCall(s, { phone: '+14155550124' });
    const before = twilio.requests.length;
    twilio.answerNext(twilioError(503, 20500, 'Service Unavailable'));
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'created', 'not delivered yet');
    assert.equal(smsOf(res.body).state, 'pending');
    assert.match(smsOf(res.body).detail!, /^retrying: provider_unavailable: Twilio 20500: Service Unavailable$/);

    const { invite, sms } = await settledSms(s, res.body.id);
    assert.equal(sms.state, 'sent');
    assert.match(sms.detail!, /^twilio:SM[0-9a-f]{32} \(after 2 attempts\)$/);
    assert.equal(invite.state, 'delivered');
    assert.equal(twilio.requests.length - before, 2);
    assert.equal(twilio.accepted.filter((m) => m.body.includes(res.body.link)).length, 1, 'exactly one text reached the provider');
    const types = (await eventsOf(s, call.id)).map((e) => e.type);
    assert.ok(types.includes('invite.delivered'));
    assert.ok(!types.includes('invite.delivery_failed'));
  });

  test('an outage that lasts: three attempts, then delivery_failed; the invite stays usable by code', async () => {
    const call = await connectedCall(s, { phone: '+14155550125' });
    const before = twilio.requests.length;
    twilio.answerNext(...Array.from({ length: 3 }, () => twilioError(503, 20500, 'Service Unavailable')));
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(smsOf(res.body).state, 'pending');

    const { invite, sms } = await settledSms(s, res.body.id);
    assert.equal(sms.state, 'failed');
    assert.equal(sms.detail, 'provider_unavailable: Twilio 20500: Service Unavailable (after 3 attempts)');
    assert.equal(twilio.requests.length - before, 3, 'bounded: no fourth attempt');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(twilio.requests.length - before, 3);

    const failed = (await eventsOf(s, call.id)).filter((e) => e.type === 'invite.delivery_failed');
    assert.equal(failed.length, 1);
    assert.deepEqual(failed[0]!.data, { channel: 'sms', reason: 'delivery_failed', detail: sms.detail });

    assert.equal(invite.state, 'created', 'not revoked: the agent can still read the code');
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const entered = await page.request({ type: 'code.enter', code: invite.code });
    assert.equal(entered.type, 'invite');
    page.close();
  });

  test('a number Twilio refuses fails at once, is not retried, and the reason is shown', async () => {
    const call = await connectedCall(s, { phone: '+14155550126' });
    const before = twilio.requests.length;
    twilio.answerNext(twilioError(400, 21614, "'To' number +14155550126 is not a valid mobile number"));
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(res.status, 201);
    const sms = smsOf(res.body);
    assert.equal(sms.state, 'failed');
    assert.equal(sms.detail, "invalid_phone: Twilio 21614: 'To' number +14155550126 is not a valid mobile number");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(twilio.requests.length - before, 1);
    const failed = (await eventsOf(s, call.id)).find((e) => e.type === 'invite.delivery_failed')!;
    assert.deepEqual(failed.data, { channel: 'sms', reason: 'delivery_failed', detail: sms.detail });
  });

  test('sms alongside code: a failed text leaves the code delivery as it was', async () => {
    const call = await connectedCall(s, { phone: '+14155550127' });
    twilio.answerNext(twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'));
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['sms', 'code'] });
    assert.deepEqual(res.body.deliveries.map((d: Delivery) => [d.channel, d.state]), [['sms', 'failed'], ['code', 'sent']]);
    assert.match(smsOf(res.body).detail!, /^opted_out: /);
  });
});

describe('sms through the company webhook, end to end', () => {
  const secret = newWebhookSecret();
  let s: TestServer;
  let receiver: Awaited<ReturnType<typeof startSmsWebhookReceiver>>;
  before(async () => {
    receiver = await startSmsWebhookReceiver(secret);
    s = await startTestServer('pglite', { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: receiver.url, SMS_WEBHOOK_SECRET: secret, SMS_RETRY_BASE_MS: '50' });
    await createDeployment(s);
  });
  after(async () => {
    await s?.close();
    await receiver?.close();
  });

  test('the sender gets a signed message it can verify, with the invite it belongs to', async () => {
    const call = await connectedCall(s, { phone: '+44 7911 123456' });
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
    const sms = smsOf(res.body);
    assert.equal(sms.state, 'sent');
    const got = receiver.accepted.find((m) => m.inviteId === res.body.id)!;
    assert.ok(got, 'the receiver verified the signature and took it');
    assert.equal(sms.detail, `webhook:${got.id}`);
    assert.equal(got.to, '+447911123456');
    assert.ok(got.body.includes(res.body.link));
    assert.ok(Date.parse(got.createdAt) > Date.now() - 60_000);
  });

  test('a sender that is down (503, then 202) gets the same message id again, and takes it once', async () => {
    const call = await connectedCall(s, { phone: '+447911123457' });
    receiver.answerNext({ status: 503, body: '' });
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(smsOf(res.body).state, 'pending');
    const { sms } = await settledSms(s, res.body.id);
    assert.equal(sms.state, 'sent');
    const tries = receiver.requests.filter((r) => JSON.parse(r.raw).inviteId === res.body.id);
    assert.equal(tries.length, 2);
    assert.equal(tries[0]!.headers['webhook-id'], tries[1]!.headers['webhook-id']);
    assert.equal(receiver.accepted.filter((m) => m.inviteId === res.body.id).length, 1);
  });
});

describe('sms text and numbers, end to end (outbox)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite', { SMS_TEMPLATE: '{company}: tap {link} to let {agent} see your screen ({minutes} min).', DEFAULT_PHONE_REGION: 'US' });
    await createDeployment(s);
  });
  after(async () => s?.close());

  test('the deployment template is used, with the agent and company of the call', async () => {
    const call = await connectedCall(s, { phone: '+1 415 555 0199' });
    const res = await s.api('POST', '/v1/invites', { conversationId: call.id, expiresInSeconds: 300 });
    const outbox = await s.api('GET', `/v1/sms/outbox?to=${encodeURIComponent('+14155550199')}`);
    assert.equal(outbox.body.data.length, 1);
    assert.equal(outbox.body.data[0].body, `Acme: tap ${res.body.link} to let Dana see your screen (5 min).`);
    assert.equal(smsOf(res.body).detail, `outbox:${outbox.body.data[0].id}`);
  });

  test('bad numbers are refused with invalid_phone 422 and say why', async () => {
    for (const [phone, why] of [
      ['call me maybe', /contains letters/],
      ['+1 415', /too short/],
      ['+1 099 555 0123', /no such number/],
      ['+999 1234 5678', /country code is unknown/],
    ] as const) {
      const res =
        await s.api('PUT', `/v1/conversations/bad-${Math.random().toString(36).slice(2)}`, { state: 'connected', customer: { phone }, agent: { id: 'a1' } });
      assert.equal(res.status, 422, `${phone}: ${res.text}`);
      assert.equal(res.body.code, 'invalid_phone');
      assert.match(res.body.detail, why);
    }
  });
});

describe('sms in the customer\'s language', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite');
    await createDeployment(s);
  });
  after(async () => s?.close());

  test('customer.locale picks the text; without it the text is English', async () => {
    const de = await connectedCall(s, { phone: '+14155550191', locale: 'de-DE' });
    const en = await connectedCall(s, { phone: '+14155550192' });
    for (const call of [de, en]) assert.equal((await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['sms'] })).status, 201);
    const body = async (to: string) => (await s.api('GET', `/v1/sms/outbox?to=${encodeURIComponent(to)}`)).body.data[0].body as string;
    assert.match(await body('+14155550191'), /^Acme: Dana möchte Ihren Bildschirm sehen: http\S+ \(gültig \d+ Min\.\)/);
    assert.match(await body('+14155550192'), /^Acme: Dana asks to see your screen:/);
  });

  test('a locale that is not a language tag is refused with validation_failed', async () => {
    const res = await s.api('PUT', '/v1/conversations/call-bad-locale', { state: 'connected', customer: { id: 'c1', locale: 'german please' } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.code, 'validation_failed');
  });
});
