import type { StoreHealth } from './db.ts';
import { StoreUnavailableError, isStoreUnreachable, unreachableReason } from '../shared/store-unavailable.ts';

export interface HealthLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Tracks whether a remote store answers. A failure that looks like an unreachable server starts a
 * probe; only a failed probe marks the store down, so one connection killed by the server does
 * not fail other requests. While down, queries fail at once (no request waits for a timeout that
 * is already known to come) and the probe repeats until the store answers again.
 */
export class HealthMonitor {
  private current: StoreHealth = { state: 'up', reason: null, since: null };
  private probing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly log: HealthLog,
    private readonly retryMs: number,
  ) {}

  health(): StoreHealth {
    return { ...this.current };
  }

  /** Throws StoreUnavailableError while the store is known to be down. */
  assertUp() {
    if (this.current.state === 'down') throw new StoreUnavailableError(this.current.reason ?? 'unreachable');
  }

  /** Turns an unreachable-store error into StoreUnavailableError (and checks the store); others pass. */
  classify(err: unknown): unknown {
    if (!isStoreUnreachable(err)) return err;
    this.suspect();
    return err instanceof StoreUnavailableError ? err : new StoreUnavailableError(unreachableReason(err), { cause: err });
  }

  /** Something failed as an unreachable store would: check now. */
  suspect() {
    if (this.closed || this.probing) return;
    this.probing = this.probe().then(
      () => {
        this.probing = null;
        if (this.current.state === 'down') {
          this.log.info({ downSince: this.current.since }, 'database reachable again');
          this.current = { state: 'up', reason: null, since: new Date().toISOString() };
        }
      },
      (err: unknown) => {
        this.probing = null;
        const reason = unreachableReason(err);
        if (this.current.state === 'up') {
          this.log.warn({ err }, `database unreachable (${reason}): requests answer 503 store_unavailable until it is back`);
          this.current = { state: 'down', reason, since: new Date().toISOString() };
        } else {
          this.current = { ...this.current, reason };
        }
        if (this.closed) return;
        this.timer = setTimeout(() => this.suspect(), this.retryMs);
        this.timer.unref();
      },
    );
  }

  close() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
