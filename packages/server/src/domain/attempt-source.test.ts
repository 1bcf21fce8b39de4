import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attemptSource } from './attempt-source.ts';

test('an IPv6 host counts as its /64, a mapped IPv4 address as the IPv4 address', () => {
  assert.equal(attemptSource('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(attemptSource('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64', 'every address of the /64 is one source');
  assert.notEqual(attemptSource('2001:db8:1:3::1'), attemptSource('2001:db8:1:2::1'));
  assert.equal(attemptSource('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(attemptSource('198.51.100.4'), '198.51.100.4');
  assert.equal(attemptSource(null), 'unknown');
  assert.equal(attemptSource('not an address'), 'unknown');
});
