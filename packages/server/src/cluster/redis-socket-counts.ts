import type { Redis } from 'ioredis';
import type { SocketKind } from '../realtime/socket-admission.ts';
import { createMemorySocketCounts, type SocketCounts } from '../realtime/socket-counts.ts';
import { OutageNote, type RedisState } from './redis-state.ts';

const PREFIX = 'tandem:sockets:';

// KEYS[1] a source's sockets of one kind: a sorted set of `node:socket` members scored by when
// they expire. Expired members (their node died or lost Redis) are dropped before counting.
const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

type Scripted = Redis & { tandemSocketTake(key: string, now: number, cap: number, expiresAt: number, member: string, ttlMs: number): Promise<number> };

export interface RedisSocketCounts extends SocketCounts {
  /** Stops refreshing this node's entries (they expire in Redis by themselves). */
  stop(): void;
}

/**
 * Per-source socket counts shared by every node. Each open socket is a member with an expiry that
 * its node pushes forward every third of `ttlMs`, so a node that dies takes its sockets with it
 * within `ttlMs`, and after a Redis restart the members are written again. Redis unreachable:
 * the caps fail open to this node's own counts (logged once per outage).
 */
export function createRedisSocketCounts(state: RedisState, node: string, ttlMs: number, log: ConstructorParameters<typeof OutageNote>[0]): RedisSocketCounts {
  const redis = state.redis as Scripted;
  redis.defineCommand('tandemSocketTake', { numberOfKeys: 1, lua: TAKE });
  const local = createMemorySocketCounts();
  const note = new OutageNote(log,
    'socket caps per source fall back to this node\'s own counts until it is back',
    'socket caps per source are shared by every node again');
  /** This node's sockets counted in Redis: member -> key. */
  const held = new Map<string, string>();
  let next = 0;

  const refresh = () => {
    if (!held.size || !state.up) return;
    const expiresAt = Date.now() + ttlMs;
    const pipeline = redis.pipeline();
    const keys = new Set<string>();
    for (const [member, key] of held) {
      pipeline.zadd(key, expiresAt, member);
      keys.add(key);
    }
    for (const key of keys) pipeline.pexpire(key, ttlMs);
    pipeline.exec().then(() => note.worked(), (err: unknown) => note.failed(err));
  };
  const timer = setInterval(refresh, Math.max(500, Math.floor(ttlMs / 3)));
  timer.unref();
  const offReconnect = state.onReconnect(refresh);

  return {
    async take(kind: SocketKind, source: string, cap: number) {
      if (!state.up) {
        note.failed(new Error(`connection ${state.redis.status}`));
        return local.take(kind, source, cap);
      }
      const key = `${PREFIX}${kind}:${source}`;
      const member = `${node}:${++next}`;
      const now = Date.now();
      let taken: number;
      try {
        taken = await redis.tandemSocketTake(key, now, cap, now + ttlMs, member, ttlMs);
        note.worked();
      } catch (err) {
        note.failed(err);
        return local.take(kind, source, cap);
      }
      if (!taken) return null;
      held.set(member, key);
      return () => {
        if (!held.delete(member)) return;
        if (state.up) redis.zrem(key, member).catch(() => undefined);
      };
    },
    stop() {
      clearInterval(timer);
      offReconnect();
    },
  };
}
