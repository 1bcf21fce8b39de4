import type { Logger } from 'pino';
import type { InviteService } from './invite-service.ts';

/** Expires invites on time even when nobody asks about them. */
export function startExpirySweeper(invites: InviteService, log: Logger, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = invites
      .expireDue()
      .catch((err) => log.error({ err }, 'invite expiry sweep failed'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
