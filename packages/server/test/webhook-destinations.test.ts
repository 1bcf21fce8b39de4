// Webhook URLs cannot reach into the server's own network: refused when registered (IP literals,
// localhost) and again on the address actually connected to (a name that resolves privately,
// as after DNS rebinding). The delivery log says what failed without naming hosts or ports.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './test-server.ts';
import { closeAllReceivers, startReceiver } from './webhook-receiver.ts';
import { connectedCall, waitUntil } from './fixtures.ts';

interface Attempt { status: number | null; error: string | null }

async function failedAttempt(s: TestServer, webhookId: string): Promise<Attempt> {
  return waitUntil(async () => {
    const d = (await s.api('GET', `/v1/webhooks/${webhookId}/deliveries`)).body.data as { attempts: Attempt[] }[];
    return d[0]?.attempts[0] ?? null;
  }, 10_000, 'a delivery attempt');
}

describe('webhook destinations (default: public only)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite', { WEBHOOK_MAX_ATTEMPTS: '1' });
  });
  after(async () => {
    await closeAllReceivers();
    await s?.close();
  });

  test('loopback, private, link-local, decimal and mapped addresses and localhost are refused when registered', async () => {
    const rx = await startReceiver();
    const port = new URL(rx.url).port;
    for (const url of [
      rx.url,
      `http://2130706433:${port}/hook`,
      `http://0x7f.0.0.1:${port}/hook`,
      `http://[::1]:${port}/hook`,
      `http://[::ffff:127.0.0.1]:${port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/hook',
      'http://192.168.1.1/hook',
      'http://100.64.0.1/hook',
      'http://[fd00::1]/hook',
      `http://localhost:${port}/hook`,
    ]) {
      const res = await s.api('POST', '/v1/webhooks', { url, events: ['conversation.updated'] });
      assert.equal(res.status, 400, `${url} was accepted`);
      assert.equal(res.body.code, 'validation_failed');
      assert.match(res.body.detail, /public address.*WEBHOOK_ALLOW_PRIVATE=true/);
    }
    assert.equal(rx.received.length, 0);
    await rx.close();
  });

  test('a name that resolves to a private address is refused at connect time, and the log names no host or port', async () => {
    const rx = await startReceiver();
    const port = new URL(rx.url).port;
    // Registered while public; the stored URL is then pointed inward, as a rebinding DNS answer would.
    const byName = (await s.api('POST', '/v1/webhooks', { url: 'http://93.184.216.34/hook', events: ['conversation.updated'] })).body;
    const byLiteral = (await s.api('POST', '/v1/webhooks', { url: 'http://93.184.216.34/other', events: ['conversation.updated'] })).body;
    await s.tandem.services.db.query('UPDATE webhooks SET url = $2 WHERE id = $1', [byName.id, `http://localhost:${port}/hook`]);
    await s.tandem.services.db.query('UPDATE webhooks SET url = $2 WHERE id = $1', [byLiteral.id, `http://127.0.0.1:${port}/hook`]);

    await connectedCall(s);
    for (const id of [byName.id, byLiteral.id]) {
      const attempt = await failedAttempt(s, id);
      assert.equal(attempt.status, null);
      assert.match(attempt.error ?? '', /^refused: the receiver's address is not public/);
      assert.doesNotMatch(attempt.error ?? '', new RegExp(`127\\.0\\.0\\.1|localhost|${port}|ECONN`));
    }
    assert.equal(rx.received.length, 0, 'nothing reached the loopback receiver');
    for (const id of [byName.id, byLiteral.id]) await s.api('DELETE', `/v1/webhooks/${id}`);
    await rx.close();
  });
});

describe('webhook destinations with WEBHOOK_ALLOW_PRIVATE=true (on premises)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite', { WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_ALLOW_PRIVATE: 'true' });
  });
  after(async () => {
    await closeAllReceivers();
    await s?.close();
  });

  test('a loopback receiver gets its deliveries; a closed port is logged as refused without its address', async () => {
    const rx = await startReceiver();
    const open = (await s.api('POST', '/v1/webhooks', { url: rx.url, events: ['conversation.updated'] })).body;
    const closedPort = await startReceiver();
    const closedUrl = closedPort.url;
    await closedPort.close();
    const closed = (await s.api('POST', '/v1/webhooks', { url: closedUrl, events: ['conversation.updated'] })).body;
    assert.ok(open.id && closed.id);

    await connectedCall(s);
    await waitUntil(async () => rx.received.length >= 1, 10_000, 'the loopback delivery');
    const attempt = await failedAttempt(s, closed.id);
    assert.equal(attempt.error, 'connection refused');
    await rx.close();
  });
});
