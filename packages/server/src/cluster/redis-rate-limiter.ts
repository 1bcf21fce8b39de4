import type { Redis } from 'ioredis';
import { createMemoryRateLimiter, type RateLimiter, type RateVerdict } from '../domain/rate-limiter.ts';
import { OutageNote, type RedisState } from './redis-state.ts';

const PREFIX = 'tandem:rate:';

// Each script is one atomic step, so hits from every node on one key are counted exactly once.
// KEYS[1] the window's counter, KEYS[2] the key's lock; replies {allowed 0|1, ms until retry}.
const HIT = `
local locked = redis.call('PTTL', KEYS[2])
if locked > 0 then return {0, locked} end
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
if n <= tonumber(ARGV[1]) then return {1, ttl} end
return {0, ttl}`;
const BLOCKED = `
local locked = redis.call('PTTL', KEYS[2])
if locked > 0 then return {0, locked} end
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = tonumber(ARGV[2]) end
if n < tonumber(ARGV[1]) then return {1, ttl} end
return {0, ttl}`;
const REFUND = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return n`;

type Scripted = Redis & {
  tandemRateHit(counter: string, lock: string, limit: number, windowMs: number): Promise<[number, number]>;
  tandemRateBlocked(counter: string, lock: string, limit: number, windowMs: number): Promise<[number, number]>;
  tandemRateRefund(counter: string): Promise<number>;
};

const verdict = ([allowed, ms]: [number, number]): RateVerdict => ({ allowed: allowed === 1, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) });

/**
 * Rate limits shared by every node: one counter per key in Redis, so a cluster of N nodes allows
 * what one node would, not N times as much. Redis unreachable: the limits fail open to this
 * node's own counters (logged once per outage), so a Redis outage never refuses callers that
 * are within the limits; for its length each node counts alone.
 */
export function createRedisRateLimiter(state: RedisState, log: ConstructorParameters<typeof OutageNote>[0]): RateLimiter {
  const redis = state.redis as Scripted;
  redis.defineCommand('tandemRateHit', { numberOfKeys: 2, lua: HIT });
  redis.defineCommand('tandemRateBlocked', { numberOfKeys: 2, lua: BLOCKED });
  redis.defineCommand('tandemRateRefund', { numberOfKeys: 1, lua: REFUND });
  const local = createMemoryRateLimiter();
  const note = new OutageNote(log, 'rate limits fall back to this node\'s own counts until it is back', 'rate limits are shared by every node again');

  /** The shared answer, or the local one when Redis does not give it. */
  async function shared<T>(remote: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (!state.up) {
      note.failed(new Error(`connection ${state.redis.status}`));
      return fallback();
    }
    try {
      const result = await remote();
      note.worked();
      return result;
    } catch (err) {
      note.failed(err);
      return fallback();
    }
  }

  const lockKey = (key: string) => `${PREFIX}lock:${key}`;
  return {
    hit: (key, limit, windowMs) =>
      shared(async () => verdict(await redis.tandemRateHit(PREFIX + key, lockKey(key), limit, windowMs)), () => local.hit(key, limit, windowMs)),
    blocked: (key, limit, windowMs) =>
      shared(async () => verdict(await redis.tandemRateBlocked(PREFIX + key, lockKey(key), limit, windowMs)), () => local.blocked(key, limit, windowMs)),
    lock: (key, ms) => shared(async () => void (await redis.set(lockKey(key), '1', 'PX', ms)), () => local.lock(key, ms)),
    refund: (key) => shared(async () => void (await redis.tandemRateRefund(PREFIX + key)), () => local.refund(key)),
  };
}
