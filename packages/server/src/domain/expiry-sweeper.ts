import type { Logger } from 'pino';
import type { InviteService } from './invite-service.ts';
import type { SupportCodeService } from './support-code-service.ts';

/** Expires invites on time even when nobody asks about them, and frees expired support codes. */
export function startExpirySweeper(invites: InviteService, supportCodes: SupportCodeService, log: Logger, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = Promise.all([
      invites.expireDue().catch((err) => log.error({ err }, 'invite expiry sweep failed')),
      supportCodes.sweepExpired().catch((err) => log.error({ err }, 'support code sweep failed')),
    ]).finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
