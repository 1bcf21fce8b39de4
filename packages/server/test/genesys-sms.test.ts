import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { contractMessage, smsProviderContract } from './suites/sms-provider-contract.ts';
import { SmsSendError } from '../src/channels/sms-provider.ts';
import { GenesysClient } from '../src/integrations/genesys/genesys-client.ts';
import { GenesysSmsProvider } from '../src/integrations/genesys/genesys-sms-provider.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, genesysError, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';

const FROM = '+13175550100';

const providerFor = (fake: FakeGenesys, o: { secret?: string; from?: string | null; timeoutMs?: number } = {}) => {
  const client = new GenesysClient(
    { apiBaseUrl: fake.baseUrl, loginBaseUrl: fake.baseUrl, clientId: FAKE_CLIENT_ID, clientSecret: o.secret ?? FAKE_CLIENT_SECRET }, o.timeoutMs ?? 2000);
  return new GenesysSmsProvider(async (orgId) => (orgId === 'org_unlinked' ? null : { client, from: o.from === undefined ? FROM : o.from }));
};

smsProviderContract('genesys', async () => {
  const fake = await startFakeGenesys();
  return {
    provider: providerFor(fake),
    received: async () => fake.sent.map((m) => ({ to: m.toAddress, body: m.textBody })),
    failTransiently: (n) => fake.answerNext('agentless', ...Array.from({ length: n }, () => genesysError(503, 'service.unavailable', 'Service Unavailable'))),
    failPermanently: () => fake.answerNext('agentless', genesysError(400, 'bad.request', 'The toAddress +15005550001 is not a valid E.164 phone number')),
    close: fake.close,
  };
});

describe('genesys SMS: the requests on the wire', () => {
  let fake: FakeGenesys;
  before(async () => {
    fake = await startFakeGenesys();
  });
  after(async () => fake.close());

  test('a token from the login host with HTTP Basic, then one JSON POST to the agentless messages API', async () => {
    const r = await providerFor(fake).send(contractMessage({ to: '+14155550123', body: 'Hi Zoë, tap https://x.test/j/ab?c=1&d=2 now 🙂' }));
    assert.match(r.providerId, /^[0-9a-f-]{36}$/);
    const [token, send] = fake.requests.slice(-2);
    assert.equal(token!.method, 'POST');
    assert.equal(token!.url, '/oauth/token');
    assert.equal(token!.headers.authorization, `Basic ${Buffer.from(`${FAKE_CLIENT_ID}:${FAKE_CLIENT_SECRET}`).toString('base64')}`);
    assert.equal(token!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(token!.raw.toString(), 'grant_type=client_credentials');

    assert.equal(send!.method, 'POST');
    assert.equal(send!.url, '/api/v2/conversations/messages/agentless');
    assert.match(send!.headers.authorization ?? '', /^Bearer [0-9a-f-]{36}$/);
    assert.equal(send!.headers['content-type'], 'application/json');
    assert.equal(send!.headers.accept, 'application/json');
    const expected = JSON.stringify(
      { fromAddress: FROM, toAddress: '+14155550123', toAddressMessengerType: 'sms', textBody: 'Hi Zoë, tap https://x.test/j/ab?c=1&d=2 now 🙂' });
    assert.equal(send!.raw.toString('utf8'), expected);
  });

  test('the token is reused for the next message, and fetched again once when Genesys answers 401', async () => {
    const provider = providerFor(fake);
    await provider.send(contractMessage());
    const tokensBefore = fake.requests.filter((r) => r.url === '/oauth/token').length;
    await provider.send(contractMessage());
    assert.equal(fake.requests.filter((r) => r.url === '/oauth/token').length, tokensBefore, 'no new token');
    fake.answerNext('agentless', genesysError(401, 'bad.credentials', 'Invalid login credentials.'));
    await provider.send(contractMessage({ body: 'after a revoked token' }));
    assert.equal(fake.requests.filter((r) => r.url === '/oauth/token').length, tokensBefore + 1);
    assert.equal(fake.sent.at(-1)!.textBody, 'after a revoked token');
  });

  const refused = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof SmsSendError);
      return err;
    }
    return assert.fail('should have been refused');
  };

  test('wrong credentials, a missing permission, a bad sender: permanent provider_config', async () => {
    assert.equal((await refused(providerFor(fake, { secret: 'wrong' }).send(contractMessage()))).reason, 'provider_config');
    fake.answerNext('agentless', genesysError(403, 'missing.permissions',
      'Unable to perform the requested action. You are missing the following permission(s): [conversation:message:create]'));
    const forbidden = await refused(providerFor(fake).send(contractMessage()));
    assert.equal(forbidden.reason, 'provider_config');
    assert.equal(forbidden.retryable, false);
    assert.match(forbidden.message, /conversation:message:create/);
    assert.equal((await refused(providerFor(fake, { from: '+13175550999' }).send(contractMessage()))).reason, 'provider_config');
  });

  test('no link or no sender number: provider_config that says what to PUT', async () => {
    const e = await refused(providerFor(fake).send(contractMessage({ orgId: 'org_unlinked' })));
    assert.equal(e.reason, 'provider_config');
    assert.match(e.message, /PUT \/v1\/integrations\/genesys/);
    assert.match((await refused(providerFor(fake, { from: null }).send(contractMessage()))).message, /smsFrom/);
  });

  test('a text longer than the 765 characters Genesys takes is refused before sending, saying what to shorten', async () => {
    const before = fake.requests.length;
    const at = 'é'.repeat(765);
    await providerFor(fake).send(contractMessage({ body: at }));
    assert.equal(fake.sent.at(-1)!.textBody, at, '765 characters go');
    const e = await refused(providerFor(fake).send(contractMessage({ body: `${at}!` })));
    assert.equal(e.reason, 'provider_rejected');
    assert.equal(e.retryable, false);
    assert.match(e.message, /766 characters.*765.*SMS_TEMPLATE/);
    assert.equal(fake.requests.slice(before).filter((r) => r.url === '/api/v2/conversations/messages/agentless').length, 1, 'only the first was sent');
  });

  test('429 with Retry-After is retryable and keeps the wait', async () => {
    fake.answerNext('agentless', genesysError(429, 'too.many.requests', 'Rate limit exceeded the maximum', { 'retry-after': '3' }));
    const e = await refused(providerFor(fake).send(contractMessage()));
    assert.equal(e.reason, 'rate_limited');
    assert.equal(e.retryable, true);
    assert.equal(e.retryAfterMs, 3000);
  });
});
