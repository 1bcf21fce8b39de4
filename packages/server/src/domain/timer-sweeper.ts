import type { Logger } from 'pino';
import { isStoreUnreachable } from '../shared/store-unavailable.ts';

/** One kind of durable timer: finds what is due in the database and fires it, once. */
export interface SweepTask {
  name: string;
  run(): Promise<unknown>;
}

/**
 * Fires the durable timers (invite expiry, the resume window, SMS retries) on time even when
 * nobody asks. What is due lives in the database, so a restarted node picks up where a dead one
 * stopped; each task claims its rows with FOR UPDATE SKIP LOCKED, so several nodes can all run it.
 */
export function startTimerSweeper(tasks: SweepTask[], log: Logger, intervalMs: number): () => Promise<void> {
  // Each task on its own: a slow SMS provider does not hold up invite expiry or the resume window.
  const running = new Map<SweepTask, Promise<unknown>>();
  const sweep = () => {
    for (const t of tasks) {
      if (running.has(t)) continue;
      // While the database is down the store says so once (log, /readyz); a line per sweep would bury it.
      const failed = (err: unknown) => (isStoreUnreachable(err) ? undefined : log.error({ err, timer: t.name }, 'timer sweep failed'));
      running.set(t, t.run().catch(failed).finally(() => running.delete(t)));
    }
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  sweep();
  return async () => {
    clearInterval(timer);
    await Promise.all(running.values());
  };
}
