import { Redis } from 'ioredis';

export interface RedisStateOptions {
  /** Longest wait for one command before it is given up (the caller then falls back). */
  commandTimeoutMs: number;
}

/**
 * The connection for what nodes share in Redis besides messages: presence, rate limits, socket
 * counts. A command never waits on a dead connection (no offline queue), so every user can fall
 * back to this node's own view at once. `onReconnect` listeners run when the connection is back
 * after a drop: Redis may have restarted empty, so they write their entries again.
 */
export class RedisState {
  readonly redis: Redis;
  private readonly reconnectListeners = new Set<() => void>();
  private dropped = false;

  constructor(url: string, opts: RedisStateOptions) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs,
      connectTimeout: 2000,
    });
    // Failures are reported by each user once per outage; the bus logs the outage itself.
    this.redis.on('error', () => undefined);
    this.redis.on('close', () => (this.dropped = true));
    this.redis.on('ready', () => {
      if (!this.dropped) return;
      this.dropped = false;
      for (const l of [...this.reconnectListeners]) l();
    });
    this.redis.connect().catch(() => (this.dropped = true));
  }

  get up(): boolean {
    return this.redis.status === 'ready';
  }

  /** Returns a function that removes the listener. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close() {
    this.reconnectListeners.clear();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

/** Logs a fallback once per outage, and the return once. */
export class OutageNote {
  private down = false;

  constructor(
    private readonly log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void },
    private readonly whenDown: string,
    private readonly whenBack: string,
  ) {}

  failed(err: unknown) {
    if (this.down) return;
    this.down = true;
    this.log.warn({ err: (err as Error)?.message ?? String(err) }, `redis unreachable: ${this.whenDown}`);
  }

  worked() {
    if (!this.down) return;
    this.down = false;
    this.log.info({}, `redis reachable again: ${this.whenBack}`);
  }
}
