import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../config.ts';

test('GENESYS_* settings: defaults, overrides, and bad values named', () => {
  const d = loadConfig({});
  assert.deepEqual(d.genesys,
    { apiBaseUrl: null, loginBaseUrl: null, reconnectBaseMs: 1000, reconnectMaxMs: 60_000, leaseMs: 30_000, heartbeatTimeoutMs: 75_000, timeoutMs: 10_000 });
  const c = loadConfig({ GENESYS_API_BASE_URL: 'http://127.0.0.1:9/', GENESYS_LOGIN_BASE_URL: 'http://127.0.0.1:9', SMS_PROVIDER: 'genesys' });
  assert.equal(c.genesys.apiBaseUrl, 'http://127.0.0.1:9', 'a trailing slash is dropped');
  assert.deepEqual(c.sms.provider, { kind: 'genesys' });
  assert.throws(() => loadConfig({ GENESYS_API_BASE_URL: 'api.mypurecloud.com', GENESYS_LEASE_MS: '5' }), (err: ConfigError) => {
    assert.deepEqual(err.problems, ['GENESYS_API_BASE_URL="api.mypurecloud.com" must be a URL starting with http:// or https://',
      'GENESYS_LEASE_MS="5" must be a whole number from 200 to 600000']);
    return true;
  });
});
