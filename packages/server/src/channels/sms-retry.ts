import { SmsSendError, type SmsMessageOut, type SmsProvider } from './sms-provider.ts';

export interface SmsRetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt; it doubles each time after. */
  baseDelayMs: number;
}

export type SendOutcome =
  | { ok: true; providerId: string; status?: string; attempts: number }
  | { ok: false; error: SmsSendError; attempts: number };

// A provider asking for a longer wait is honoured only up to this, so a delivery stays bounded.
const MAX_DELAY_MS = 30_000;

/** One attempt; any thrown value that is not an SmsSendError counts as passing trouble. */
export async function attemptSend(provider: SmsProvider, m: SmsMessageOut): Promise<SendOutcome> {
  try {
    const r = await provider.send(m);
    return { ok: true, providerId: r.providerId, status: r.status, attempts: 1 };
  } catch (err) {
    const error = err instanceof SmsSendError ? err : new SmsSendError('provider_unavailable', `${provider.name} failed: ${(err as Error).message}`);
    return { ok: false, error, attempts: 1 };
  }
}

export function delayBefore(attempt: number, policy: SmsRetryPolicy, askedMs?: number): number {
  const backoff = policy.baseDelayMs * 2 ** (attempt - 2);
  return Math.min(MAX_DELAY_MS, Math.max(backoff, askedMs ?? 0));
}

/**
 * How long to wait before trying again after `o` (`o.attempts` made so far), or null when it is
 * settled: taken, refused for good, or out of attempts.
 */
export function nextAttemptDelay(o: SendOutcome, policy: SmsRetryPolicy): number | null {
  if (o.ok || !o.error.retryable || o.attempts >= policy.maxAttempts) return null;
  return delayBefore(o.attempts + 1, policy, o.error.retryAfterMs);
}

/**
 * All attempts from the first, in this process (the provider contract suites). The invite flow
 * instead stores each wait in the database, so a restart resumes it (invite-service.ts).
 */
export async function sendWithRetry(provider: SmsProvider, m: SmsMessageOut, policy: SmsRetryPolicy): Promise<SendOutcome> {
  let last = await attemptSend(provider, m);
  for (let wait = nextAttemptDelay(last, policy); wait !== null; wait = nextAttemptDelay(last, policy)) {
    await sleep(wait);
    last = { ...(await attemptSend(provider, m)), attempts: last.attempts + 1 };
  }
  return last;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
