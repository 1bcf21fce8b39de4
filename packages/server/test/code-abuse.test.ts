// Short codes against a live server under bounded loopback load: guessing from many source
// addresses (127.0.0.x), side-by-side attempts, support codes that must be freed, and the limits on
// asking for support codes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SHORT_CODE_DIGITS, type VisitorServerMessage } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';
import { VisitorClient } from './visitor-client.ts';
import { SHOP_ORIGIN, connectedCall, createDeployment, waitUntil } from './fixtures.ts';

const wrongCode = (right: string, i: number) => {
  const c = String(1_000_000_000 + i * 7919);
  return c === right ? String(1_000_000_001 + i * 7919) : c;
};
const errorCode = (m: VisitorServerMessage) => (m.type === 'error' ? m.code : m.type);

describe('short codes under attack', () => {
  let s: TestServer;
  let dep: { key: string; identitySecret: string };
  before(async () => {
    s = await startTestServer('pglite');
    dep = await createDeployment(s);
  });
  after(async () => s?.close());

  test('a flood of wrong codes from many sources never refuses a customer\'s right code', async () => {
    const call = await connectedCall(s);
    const invite = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body as { code: string };
    assert.match(invite.code, /^\d{10}$/);

    // 11 sources × 10 wrong codes each: more than the organisation-wide count (100 a window).
    const sources = Array.from({ length: 11 }, (_, i) => `127.0.0.${i + 2}`);
    const replies = await Promise.all(sources.map(async (localAddress, n) => {
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { localAddress });
      const got: string[] = [];
      for (let i = 0; i < 11; i++) got.push(errorCode(await page.request({ type: 'code.enter', code: wrongCode(invite.code, n * 100 + i) })));
      page.close();
      return got;
    }));
    for (const got of replies) {
      assert.deepEqual(got.slice(0, 10), Array(10).fill('invalid_code'), 'each source gets its own ten tries');
      assert.equal(got[10], 'rate_limited', 'then that source is locked out');
    }

    const customer = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { localAddress: '127.0.0.40' });
    const typed = `${invite.code.slice(0, 3)} ${invite.code.slice(3, 6)} ${invite.code.slice(6)}`;
    const answer = await customer.request({ type: 'code.enter', code: typed });
    assert.equal(answer.type, 'invite', `the customer's right code is refused: ${JSON.stringify(answer)}`);
    customer.close();

    // A locked-out source is refused even with a right code: its own misses, not others', locked it.
    const attacker = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { localAddress: sources[0] });
    assert.equal(errorCode(await attacker.request({ type: 'code.enter', code: invite.code })), 'rate_limited');
    attacker.close();
  });

  test('wrong codes sent side by side from one source get no more tries than the budget', async () => {
    const call = await connectedCall(s);
    const invite = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body as { code: string };
    const pages = await Promise.all(Array.from({ length: 10 }, () => VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { localAddress: '127.0.0.60' })));
    const replies = (await Promise.all(pages.map((page, p) => Promise.all(
      [0, 1, 2].map((i) => page.request({ type: 'code.enter', code: wrongCode(invite.code, 5000 + p * 10 + i) })),
    )))).flat().map(errorCode);
    for (const page of pages) page.close();
    assert.equal(replies.length, 30);
    assert.equal(replies.filter((c) => c === 'invalid_code').length, s.config.codeRateLimit.perSource, `replies: ${replies.join(' ')}`);
    assert.equal(replies.filter((c) => c === 'rate_limited').length, 30 - s.config.codeRateLimit.perSource);

    const attempts = (await s.api('GET', '/v1/code-attempts?limit=100')).body.data as { source: string; outcome: string }[];
    const fromThere = attempts.filter((a) => a.source === '127.0.0.60');
    assert.equal(fromThere.filter((a) => a.outcome === 'miss').length, s.config.codeRateLimit.perSource);
    assert.equal(fromThere.filter((a) => a.outcome === 'locked').length, 1, 'a locked-out flood is recorded once, not once per attempt');
  });

  test('an expired support code is freed: nothing holds its value once its time is up', async () => {
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { localAddress: '127.0.0.80' });
    const got = await page.request({ type: 'code.request' });
    assert.equal(got.type, 'code');
    const code = got.type === 'code' ? got.code : '';
    assert.match(code, /^\d{10}$/);
    await s.tandem.services.db.query('UPDATE support_codes SET expires_at = $2 WHERE code = $1', [code, new Date(Date.now() - 1000)]);
    await waitUntil(async () => (await s.tandem.services.db.query('SELECT 1 FROM support_codes WHERE code = $1', [code])).length === 0, 5000,
      'the expired code to be freed');

    const call = await connectedCall(s);
    const claim = await s.api('POST', '/v1/invites/claim', { code, conversationId: call.id });
    assert.equal(claim.status, 422);
    assert.equal(claim.body.code, 'invalid_code');
    page.close();
  });
});

describe('behind a balancer (TRUST_PROXY)', () => {
  let s: TestServer;
  let dep: { key: string };
  before(async () => {
    s = await startTestServer('pglite', { TRUST_PROXY: 'loopback' });
    dep = await createDeployment(s);
  });
  after(async () => s?.close());

  test('a guesser behind the balancer locks out only itself: another customer behind it enters the right code', async () => {
    const call = await connectedCall(s);
    const invite = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body as { code: string };
    // Every page reaches the server from the balancer's address (127.0.0.1); only X-Forwarded-For tells them apart.
    const guesser = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { headers: { 'x-forwarded-for': '203.0.113.66' } });
    const got: string[] = [];
    for (let i = 0; i < s.config.codeRateLimit.perSource + 1; i++) {
      got.push(errorCode(await guesser.request({ type: 'code.enter', code: wrongCode(invite.code, 9000 + i) })));
    }
    assert.equal(got.at(-1), 'rate_limited', `the guesser is locked out: ${got.join(' ')}`);
    guesser.close();

    const customer = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { headers: { 'x-forwarded-for': '198.51.100.23' } });
    const answer = await customer.request({ type: 'code.enter', code: invite.code });
    assert.equal(answer.type, 'invite', `the customer behind the same balancer is refused: ${JSON.stringify(answer)}`);
    customer.close();
    const attempts = (await s.api('GET', '/v1/code-attempts?limit=100')).body.data as { source: string; outcome: string }[];
    assert.ok(attempts.some((a) => a.source === '203.0.113.66' && a.outcome === 'miss'), 'misses are recorded against the forwarded client');
  });

  test("the README's guessing odds hold for the limits the server runs with: 1,000 addresses, 20 live codes, under 0.1 % an hour", () => {
    const { perSource, lockoutMs, windowMs } = s.config.codeRateLimit;
    // A source's budget refills once per window, and a lockout (at least as long) follows each exhausted budget.
    const windowsPerHour = Math.floor(3_600_000 / Math.max(lockoutMs, windowMs)) + 1;
    const odds = 1_000 * perSource * windowsPerHour * 20 / 10 ** SHORT_CODE_DIGITS;
    assert.ok(odds < 0.001, `odds ${odds}`);
    assert.equal(odds, 1e-4, 'README, Security: "10^-4 = 0.01 %" with the default limits');
  });
});

describe('asking for support codes is limited per source and per deployment', () => {
  let s: TestServer;
  let dep: { key: string };
  before(async () => {
    s = await startTestServer('pglite', { CODE_REQUEST_RATE_LIMIT_PER_SOURCE: '3', CODE_REQUEST_RATE_LIMIT_PER_DEPLOYMENT: '5' });
    dep = await createDeployment(s);
  });
  after(async () => s?.close());

  test('code.request beyond the limits gets a clear rate_limited error', async () => {
    const ask = async (localAddress: string, times: number) => {
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { localAddress });
      const replies: VisitorServerMessage[] = [];
      for (let i = 0; i < times; i++) replies.push(await page.request({ type: 'code.request' }));
      page.close();
      return replies;
    };
    const first = await ask('127.0.0.90', 4);
    assert.deepEqual(first.map((m) => m.type), ['code', 'code', 'code', 'error']);
    const refused = first[3]!;
    assert.equal(refused.type === 'error' && refused.code, 'rate_limited');
    assert.match(refused.type === 'error' ? refused.message : '', /from this address: try again in \d+ s/);

    const second = await ask('127.0.0.91', 3);
    assert.deepEqual(second.map((m) => m.type), ['code', 'code', 'error'], 'the deployment allows five a minute in all');
    assert.match(second[2]!.type === 'error' ? second[2]!.message : '', /from this site/);
  });
});
