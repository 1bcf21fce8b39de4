import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('defaults give a working local server', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.publicUrl, 'http://127.0.0.1:8080');
  assert.equal(c.inviteExpirySeconds, 600);
  assert.equal(c.databaseUrl, null);
  assert.match(c.dataDir, /\.data$/);
});

test('every bad value is named with what it accepts, all at once', () => {
  try {
    loadConfig(
      { PORT: 'eighty', PUBLIC_URL: 'ftp://x', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', INVITE_EXPIRY_SECONDS: '5', CORS_ORIGINS: 'https://a.com/path' });
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 6);
    assert.match(err.message, /PORT="eighty" must be a whole number from 0 to 65535/);
    assert.match(err.message, /PUBLIC_URL="ftp:\/\/x" must be a URL starting with http:\/\/ or https:\/\//);
    assert.match(err.message, /DATABASE_URL/);
    assert.match(err.message, /LOG_LEVEL="loud" must be one of/);
    assert.match(err.message, /INVITE_EXPIRY_SECONDS="5" must be a whole number from 30/);
    assert.match(err.message, /CORS_ORIGINS entry "https:\/\/a.com\/path"/);
  }
});

test('a trailing slash on PUBLIC_URL is dropped so links do not get a double slash', () => {
  assert.equal(loadConfig({ PUBLIC_URL: 'https://cobrowse.example.com/' }).publicUrl, 'https://cobrowse.example.com');
});

test('webhook retries span a day by default; WEBHOOK_RETRY_SCHEDULE shortens them for tests', () => {
  const c = loadConfig({});
  assert.deepEqual(c.webhookRetryScheduleMs, [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  assert.equal(c.webhookMaxAttempts, 8);
  assert.ok(c.webhookRetryScheduleMs.reduce((a, b) => a + b) >= 86_400_000, 'at least a day');
  const short = loadConfig({ WEBHOOK_RETRY_SCHEDULE: '50ms, 1s,2m' });
  assert.deepEqual(short.webhookRetryScheduleMs, [50, 1000, 120_000]);
  assert.equal(short.webhookMaxAttempts, 4);
  assert.throws(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '5s,soon' }), /WEBHOOK_RETRY_SCHEDULE="5s,soon" must be a comma-separated list of waits/);
});

test('outage bounds: database and Redis timeouts have defaults and are checked', () => {
  const c = loadConfig({});
  assert.deepEqual(c.databaseTimeouts, { connectMs: 1000, statementMs: 1500, idleMs: 10_000, idleInTransactionMs: 5000 });
  assert.equal(c.redisCommandTimeoutMs, 500);
  assert.equal(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '30000' }).databaseTimeouts.statementMs, 30_000);
  assert.throws(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '0', REDIS_COMMAND_TIMEOUT_MS: 'soon' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /DATABASE_CONNECT_TIMEOUT_MS="0" must be a whole number from 100/);
    assert.match(err.message, /REDIS_COMMAND_TIMEOUT_MS="soon" must be a whole number from 50/);
    return true;
  });
});

test('abuse limits: TRUST_PROXY takes true, false or balancer addresses; socket caps, relay limits and METRICS_TOKEN are checked', () => {
  const d = loadConfig({});
  assert.equal(d.trustProxy, false);
  assert.equal(d.metricsToken, null);
  assert.deepEqual(d.socketsPerSource, { visitor: 200, capture: 20, agent: 200 });
  assert.deepEqual(d.relayLimits,
    { maxBufferedBytes: 4 * 1024 * 1024, agentBacklogBytes: 4 * 1024 * 1024, captureBytesPerSecond: 1024 * 1024, captureBurstBytes: 16 * 1024 * 1024 });
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy, ['10.0.0.0/8', 'loopback']);
  try {
    loadConfig({ TRUST_PROXY: '2,not-an-ip', METRICS_TOKEN: 'short', CAPTURE_BURST_BYTES: '1024', CAPTURE_SOCKETS_PER_SOURCE: '0' });
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /TRUST_PROXY entries "2", "not-an-ip" must be true, false, or addresses/);
    assert.match(err.message, /METRICS_TOKEN must be at least 16 characters/);
    assert.match(err.message, /CAPTURE_BURST_BYTES="1024" must be a whole number from 8388608/);
    assert.match(err.message, /CAPTURE_SOCKETS_PER_SOURCE="0" must be a whole number from 1/);
  }
});

test('REDIS_URL without DATABASE_URL is refused: a cluster needs one Postgres server, PGlite is one process', () => {
  assert.throws(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 1);
    assert.match(err.message, /REDIS_URL is set without DATABASE_URL/);
    assert.match(err.message, /Set DATABASE_URL=postgres:\/\/\.\.\., or unset REDIS_URL/);
    return true;
  });
  const both = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/tandem' });
  assert.equal(both.redisUrl, 'redis://127.0.0.1:6379');
  assert.equal(both.presenceTtlMs, 15_000);
  assert.equal(loadConfig({ PRESENCE_TTL_SECONDS: '3' }).presenceTtlMs, 3000);
  assert.throws(() => loadConfig({ PRESENCE_TTL_SECONDS: '1' }), /PRESENCE_TTL_SECONDS="1" must be a whole number from 2/);
});

test('the asset proxy is on and reaches public addresses only by default; ASSET_PROXY_ALLOW names exceptions, ASSET_PROXY=false turns it off', () => {
  assert.deepEqual(loadConfig({}).assetProxy, { enabled: true, allow: [] });
  assert.deepEqual(loadConfig({ ASSET_PROXY: 'false', ASSET_PROXY_ALLOW: ' LocalHost, 127.0.0.1,[::1],' }).assetProxy,
    { enabled: false, allow: ['localhost', '127.0.0.1', '::1'] });
});
