import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/shared/ids.ts';
import { SmsSendError, type SmsMessageOut, type SmsProvider } from '../../src/channels/sms-provider.ts';
import { sendWithRetry } from '../../src/channels/sms-retry.ts';

/** What the recipient side of a provider (its API, the company's sender, the outbox table) took. */
export interface SmsReceived {
  to: string;
  body: string;
}

/** One provider wired to a recipient side the test controls. */
export interface SmsProviderHarness {
  provider: SmsProvider;
  /** Messages the recipient side accepted, oldest first. */
  received(): Promise<SmsReceived[]>;
  /** The next `times` sends meet passing trouble (a 503, a dropped database connection). */
  failTransiently(times: number): void;
  /** The next send is refused for good because of the number; null when this provider never refuses. */
  failPermanently: (() => void) | null;
  close(): Promise<void>;
}

const FAST = { maxAttempts: 3, baseDelayMs: 5 };

export const contractMessage = (over: Partial<SmsMessageOut> = {}): SmsMessageOut => ({
  id: newId('sms'),
  orgId: 'org_contract',
  to: '+14155550123',
  body: 'Acme: Dana asks to see your screen: https://cobrowse.example.com/j/abc (valid 10 min). Unexpected? Ignore it.',
  inviteId: 'inv_contract',
  createdAt: new Date().toISOString(),
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<SmsSendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SmsSendError, `expected an SmsSendError, got ${String(err)}`);
    return err;
  }
  return assert.fail('the send should have been refused');
}

/** The suite every SMS provider passes; each provider's test file runs it with its own harness. */
export function smsProviderContract(label: string, makeHarness: () => Promise<SmsProviderHarness>) {
  describe(`SMS provider contract: ${label}`, () => {
    let h: SmsProviderHarness;
    before(async () => {
      h = await makeHarness();
    });
    after(async () => h?.close());

    test('a sent message reaches the recipient side with exactly its number and text', async () => {
      const before = (await h.received()).length;
      const m = contractMessage({ to: '+447911123456', body: 'Zoë & Łukasz: 50% off + free "gifts"? Open https://x.test/j/a?b=c&d=e #1 🙂\nBye' });
      const r = await h.provider.send(m);
      assert.equal(typeof r.providerId, 'string');
      assert.ok(r.providerId.length > 0);
      const got = (await h.received()).slice(before);
      assert.deepEqual(got.map((x) => ({ to: x.to, body: x.body })), [{ to: m.to, body: m.body }]);
    });

    test('messages arrive one each, in the order sent', async () => {
      const before = (await h.received()).length;
      const a = contractMessage({ body: 'first' });
      const b = contractMessage({ body: 'second', to: '+33612345678' });
      await h.provider.send(a);
      await h.provider.send(b);
      assert.deepEqual((await h.received()).slice(before).map((x) => [x.to, x.body]), [[a.to, 'first'], [b.to, 'second']]);
    });

    test('passing trouble is a retryable failure and nothing is taken', async () => {
      const before = (await h.received()).length;
      h.failTransiently(1);
      const err = await refusal(h.provider.send(contractMessage({ body: 'during the outage' })));
      assert.equal(err.retryable, true);
      assert.ok(['provider_unavailable', 'rate_limited', 'network'].includes(err.reason), err.reason);
      assert.equal((await h.received()).length, before);
    });

    test('a refused number is a permanent invalid_phone failure, not retried', async (t) => {
      if (!h.failPermanently) return t.skip(`${label} never refuses a number`);
      const before = (await h.received()).length;
      h.failPermanently();
      const result = await sendWithRetry(h.provider, contractMessage({ to: '+15005550001', body: 'to a bad number' }), FAST);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.error.reason === 'invalid_phone' && !result.error.retryable, JSON.stringify(result));
      assert.equal(result.attempts, 1);
      assert.equal((await h.received()).length, before);
    });

    test('a message is never lost to passing trouble: retried, it arrives exactly once', async () => {
      const before = (await h.received()).length;
      h.failTransiently(2);
      const m = contractMessage({ body: 'after the outage' });
      const result = await sendWithRetry(h.provider, m, FAST);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.attempts, 3);
      assert.deepEqual((await h.received()).slice(before).map((x) => [x.to, x.body]), [[m.to, m.body]]);
    });

    test('retries are bounded: a lasting outage ends as a retryable failure after the last attempt', async () => {
      h.failTransiently(3);
      const result = await sendWithRetry(h.provider, contractMessage({ body: 'never taken' }), FAST);
      assert.equal(result.ok, false);
      assert.equal(result.attempts, 3);
      assert.ok(!result.ok && result.error.retryable);
      // The next message goes through: the outage ended and nothing is stuck.
      await h.provider.send(contractMessage({ body: 'after it' }));
      assert.equal((await h.received()).at(-1)?.body, 'after it');
    });
  });
}
