import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OwnRedis } from '../../test/faults/own-redis.ts';
import { createRedisRateLimiter } from './redis-rate-limiter.ts';
import { createRedisSocketCounts } from './redis-socket-counts.ts';
import { RedisState } from './redis-state.ts';

/** A logger that keeps what it was told. */
function recordingLog() {
  const lines: { level: 'warn' | 'info'; msg: string }[] = [];
  return { lines, warn: (_: object, msg: string) => lines.push({ level: 'warn', msg }), info: (_: object, msg: string) => lines.push({ level: 'info', msg }) };
}

const until = async (check: () => boolean, what: string) => {
  for (const end = Date.now() + 10_000; !check(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) throw new Error(`timed out: ${what}`);
};

/** Two "nodes" (two connections) on a Redis of the test's own, which is stopped under them. */
describe('limits shared through Redis', () => {
  let redis: OwnRedis;
  let one: RedisState;
  let two: RedisState;
  before(async () => {
    redis = await OwnRedis.create();
    one = new RedisState(redis.url, { commandTimeoutMs: 500 });
    two = new RedisState(redis.url, { commandTimeoutMs: 500 });
    await until(() => one.up && two.up, 'both connections ready');
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await redis?.stop();
  });

  test('rate limits: hits on either node count against one limit; a lock and a refund are seen by both', async () => {
    const a = createRedisRateLimiter(one, recordingLog());
    const b = createRedisRateLimiter(two, recordingLog());
    assert.equal((await a.hit('k1', 3, 60_000)).allowed, true);
    assert.equal((await b.hit('k1', 3, 60_000)).allowed, true);
    assert.equal((await a.hit('k1', 3, 60_000)).allowed, true);
    const over = await b.hit('k1', 3, 60_000);
    assert.equal(over.allowed, false);
    assert.ok(over.retryAfterSeconds >= 59 && over.retryAfterSeconds <= 60, `retry after the window: ${over.retryAfterSeconds}`);
    await a.refund('k1');
    await a.refund('k1');
    assert.equal((await b.blocked('k1', 3, 60_000)).allowed, true, 'two hits given back on A leave room on B');
    await b.lock('k2', 30_000);
    const locked = await a.hit('k2', 100, 60_000);
    assert.equal(locked.allowed, false);
    assert.equal(locked.retryAfterSeconds, 30);
  });

  test('socket counts: one cap across nodes; a node that stops refreshing loses its places within the TTL', async () => {
    const ttlMs = 2000;
    const a = createRedisSocketCounts(one, 'node-a', ttlMs, recordingLog());
    const b = createRedisSocketCounts(two, 'node-b', ttlMs, recordingLog());
    const held = [await a.take('capture', '203.0.113.5', 2), await b.take('capture', '203.0.113.5', 2)];
    assert.ok(held.every(Boolean));
    assert.equal(await a.take('capture', '203.0.113.5', 2), null, 'full across both nodes');
    assert.ok(await a.take('agent', '203.0.113.5', 2), 'each kind has its own cap');
    held[1]!();
    const again = await a.take('capture', '203.0.113.5', 2);
    assert.ok(again, 'a place released on B is free on A');
    // Node A "dies": nothing refreshes its members, which expire; B's refresh keeps its own.
    a.stop();
    const kept = await b.take('visitor', '203.0.113.6', 1);
    assert.ok(kept);
    await new Promise((r) => setTimeout(r, ttlMs + 500));
    assert.ok(await b.take('capture', '203.0.113.5', 2), 'the dead node\'s places expired');
    assert.equal(await b.take('visitor', '203.0.113.6', 1), null, 'a live node\'s place is refreshed, not expired');
    b.stop();
  });

  test('Redis down: limits fail open to the node\'s own counts, logged once; back: shared again, logged once', async () => {
    const log = recordingLog();
    const a = createRedisRateLimiter(one, log);
    const b = createRedisRateLimiter(two, recordingLog());
    await redis.stop();
    await until(() => !one.up && !two.up, 'both connections down');
    for (let i = 0; i < 2; i++) assert.equal((await a.hit('k3', 2, 60_000)).allowed, true, 'counted on this node');
    assert.equal((await a.hit('k3', 2, 60_000)).allowed, false, 'the node still holds its own limit');
    assert.equal((await b.hit('k3', 2, 60_000)).allowed, true, 'the other node counts alone meanwhile');
    assert.deepEqual(log.lines, [{ level: 'warn', msg: 'redis unreachable: rate limits fall back to this node\'s own counts until it is back' }]);
    await redis.start();
    await until(() => one.up && two.up, 'both connections back');
    assert.equal((await a.hit('k4', 1, 60_000)).allowed, true);
    assert.equal((await b.hit('k4', 1, 60_000)).allowed, false, 'shared again');
    assert.deepEqual(log.lines.map((l) => l.level), ['warn', 'info']);
  });
});
