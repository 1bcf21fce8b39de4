/** Whether a hit is within its limit and, if not, when to retry. */
export interface RateVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters keyed by caller. In memory for one node; in Redis for a cluster
 * (cluster/redis-rate-limiter.ts), which is why every call is async.
 */
export interface RateLimiter {
  /** Counts one hit; says whether it is within the limit and, if not, when to retry. */
  hit(key: string, limit: number, windowMs: number): Promise<RateVerdict>;
  /** Whether the key is already over its limit (or locked), without counting. */
  blocked(key: string, limit: number, windowMs: number): Promise<RateVerdict>;
  /** Refuses the key outright for `ms`, whatever its counter says. */
  lock(key: string, ms: number): Promise<void>;
  /** Takes back one hit of the current window (it turned out not to count). */
  refund(key: string): Promise<void>;
}

export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const locks = new Map<string, number>();
  const locked = (key: string) => {
    const until = locks.get(key);
    if (until === undefined) return 0;
    if (until <= now()) {
      locks.delete(key);
      return 0;
    }
    return Math.ceil((until - now()) / 1000);
  };
  const current = (key: string, windowMs: number) => {
    const t = now();
    let w = windows.get(key);
    if (!w || t - w.start >= windowMs) {
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    if (windows.size > 100_000) {
      for (const [k, v] of windows) if (t - v.start >= windowMs) windows.delete(k);
    }
    return { w, retryAfterSeconds: Math.max(1, Math.ceil((w.start + windowMs - t) / 1000)) };
  };
  return {
    async hit(key, limit, windowMs) {
      const lockedFor = locked(key);
      if (lockedFor) return { allowed: false, retryAfterSeconds: lockedFor };
      const { w, retryAfterSeconds } = current(key, windowMs);
      w.count++;
      return { allowed: w.count <= limit, retryAfterSeconds };
    },
    async blocked(key, limit, windowMs) {
      const lockedFor = locked(key);
      if (lockedFor) return { allowed: false, retryAfterSeconds: lockedFor };
      const { w, retryAfterSeconds } = current(key, windowMs);
      return { allowed: w.count < limit, retryAfterSeconds };
    },
    async lock(key, ms) {
      locks.set(key, now() + ms);
    },
    async refund(key) {
      const w = windows.get(key);
      if (w && w.count > 0) w.count--;
    },
  };
}
