import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDeliveryError, isPublicAddress, refusedWebhookHost } from './webhook-destination-guard.ts';

test('only global unicast addresses are public', () => {
  for (const a of ['93.184.216.34', '8.8.8.8', '2001:4860:4860::8888']) assert.ok(isPublicAddress(a), a);
  for (const a of [
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255',
    '224.0.0.1', '203.0.113.5', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::7f00:1',
    '2002:7f00:1::1', 'not-an-ip',
  ]) assert.ok(!isPublicAddress(a), a);
});

test('URLs are judged on the host the URL parser sees, in every spelling', () => {
  for (const u of ['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://[::ffff:7f00:1]/', 'http://localhost/', 'http://api.localhost/']) {
    assert.ok(refusedWebhookHost(new URL(u)), u);
  }
  for (const u of ['https://hooks.example.com/x', 'http://93.184.216.34/x']) assert.equal(refusedWebhookHost(new URL(u)), null, u);
});

test('the delivery log names the kind of failure, never the address', () => {
  const failed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code} 10.0.0.7:5432`), { code }) });
  assert.equal(describeDeliveryError(failed('ECONNREFUSED'), 1000), 'connection refused');
  assert.equal(describeDeliveryError(failed('ENOTFOUND'), 1000), 'host name not found');
  assert.equal(describeDeliveryError(failed('EHOSTUNREACH'), 1000), 'could not connect');
  assert.equal(describeDeliveryError(Object.assign(new Error('x'), { name: 'TimeoutError' }), 1000), 'timed out after 1000 ms');
});
