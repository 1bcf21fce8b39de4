import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newWebhookSecret } from '../src/events/webhook-signing.ts';
import { contractMessage, smsProviderContract } from './suites/sms-provider-contract.ts';
import { SmsSendError } from '../src/channels/sms-provider.ts';
import { sendWithRetry } from '../src/channels/sms-retry.ts';
import { WebhookSmsProvider } from '../src/channels/webhook-sms-provider.ts';
import { startSmsWebhookReceiver } from './sms-webhook-receiver.ts';

smsProviderContract('webhook', async () => {
  const secret = newWebhookSecret();
  const receiver = await startSmsWebhookReceiver(secret);
  return {
    provider: new WebhookSmsProvider({ url: receiver.url, secret, timeoutMs: 2000 }),
    received: async () => receiver.accepted.map((m) => ({ to: m.to, body: m.body })),
    failTransiently: (n) => receiver.answerNext(...Array.from({ length: n }, () => ({ status: 503, body: 'busy' }))),
    failPermanently: () => receiver.answerNext({ status: 422, body: { reason: 'invalid_phone', message: 'not a mobile number' } }),
    close: receiver.close,
  };
});

describe('webhook: what the company sender gets', () => {
  const secret = newWebhookSecret();
  let receiver: Awaited<ReturnType<typeof startSmsWebhookReceiver>>;
  let provider: WebhookSmsProvider;
  before(async () => {
    receiver = await startSmsWebhookReceiver(secret);
    provider = new WebhookSmsProvider({ url: receiver.url, secret, timeoutMs: 2000 });
  });
  after(async () => receiver.close());

  test('a JSON POST of {id, to, body, inviteId, createdAt}, signed as our webhooks are (Standard Webhooks)', async () => {
    const m = contractMessage();
    const r = await provider.send(m);
    assert.equal(r.providerId, m.id);
    const req = receiver.requests.at(-1)!;
    assert.ok(req.verified, 'the standardwebhooks library accepts the signature');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['webhook-id'], m.id);
    assert.match(String(req.headers['webhook-timestamp']), /^\d{10}$/);
    assert.match(String(req.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
    assert.equal(req.raw, JSON.stringify({ id: m.id, to: m.to, body: m.body, inviteId: m.inviteId, createdAt: m.createdAt }));
  });

  test('a retry carries the same webhook-id, so the sender can drop a duplicate', async () => {
    receiver.answerNext({ status: 500, body: '' });
    const m = contractMessage({ body: 'retried' });
    const r = await sendWithRetry(provider, m, { maxAttempts: 3, baseDelayMs: 5 });
    assert.ok(r.ok);
    const tries = receiver.requests.filter((x) => x.headers['webhook-id'] === m.id);
    assert.equal(tries.length, 2);
    assert.ok(tries.every((x) => x.verified));
  });

  test('a sender that does not know our secret makes it a permanent configuration failure', async () => {
    const wrong = new WebhookSmsProvider({ url: receiver.url, secret: newWebhookSecret(), timeoutMs: 2000 });
    await assert.rejects(wrong.send(contractMessage()),
      (err: SmsSendError) => err.reason === 'provider_config' && !err.retryable && /SMS_WEBHOOK_SECRET/.test(err.message));
  });

  test('the sender may say why it refused; otherwise a 4xx is provider_rejected', async () => {
    receiver.answerNext({ status: 422, body: { reason: 'opted_out', message: 'replied STOP' } });
    await assert.rejects(provider.send(contractMessage()),
      (err: SmsSendError) => err.reason === 'opted_out' && !err.retryable && /422: replied STOP/.test(err.message));
    receiver.answerNext({ status: 400, body: 'no' });
    await assert.rejects(provider.send(contractMessage()), (err: SmsSendError) => err.reason === 'provider_rejected' && !err.retryable);
    receiver.answerNext({ status: 429, body: '', headers: { 'retry-after': '1' } });
    await assert.rejects(provider.send(contractMessage()), (err: SmsSendError) => err.reason === 'rate_limited' && err.retryable && err.retryAfterMs === 1000);
  });
});
