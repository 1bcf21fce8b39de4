import type { Bus } from '../bus/bus.ts';
import type { RateLimiter } from '../domain/rate-limiter.ts';
import type { VisitorRegistry } from '../realtime/visitor-registry.ts';
import { ClusterPresence } from './cluster-presence.ts';
import { createRedisRateLimiter } from './redis-rate-limiter.ts';
import { createRedisSocketCounts, type RedisSocketCounts } from './redis-socket-counts.ts';
import { RedisState, type OutageNote } from './redis-state.ts';

export interface ClusterOptions {
  /** This node's id: the name other nodes route its pages' messages to. */
  node: string;
  ttlMs: number;
  commandTimeoutMs: number;
  log: ConstructorParameters<typeof OutageNote>[0];
}

/** What a node shares with the others in Redis (REDIS_URL): presence, rate limits, socket counts. */
export interface Cluster {
  presence: ClusterPresence;
  rateLimiter: RateLimiter;
  socketCounts: RedisSocketCounts;
  close(): Promise<void>;
}

export async function openCluster(url: string, bus: Bus, registry: VisitorRegistry, opts: ClusterOptions): Promise<Cluster> {
  const state = new RedisState(url, { commandTimeoutMs: opts.commandTimeoutMs });
  // An answer from another node crosses Redis twice; a node that did not answer in this time is taken to be gone.
  const replyTimeoutMs = Math.max(1000, 2 * opts.commandTimeoutMs);
  const presence = new ClusterPresence(registry, state, bus, { node: opts.node, ttlMs: opts.ttlMs, replyTimeoutMs, log: opts.log });
  await presence.start();
  const socketCounts = createRedisSocketCounts(state, opts.node, opts.ttlMs, opts.log);
  return {
    presence,
    rateLimiter: createRedisRateLimiter(state, opts.log),
    socketCounts,
    async close() {
      await presence.stop();
      socketCounts.stop();
      await state.close();
    },
  };
}
