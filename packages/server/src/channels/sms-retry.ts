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
 * Sends the same message (same id) again while failures are retryable and attempts remain.
 * `done` says how many were made already and how the last one ended.
 */
export async function continueSending(provider: SmsProvider, m: SmsMessageOut, policy: SmsRetryPolicy, done: SendOutcome): Promise<SendOutcome> {
  let last = done;
  let attempts = done.attempts;
  while (!last.ok && last.error.retryable && attempts < policy.maxAttempts) {
    attempts++;
    await sleep(delayBefore(attempts, policy, last.error.retryAfterMs));
    last = await attemptSend(provider, m);
  }
  return { ...last, attempts };
}

/** All attempts from the first. */
export async function sendWithRetry(provider: SmsProvider, m: SmsMessageOut, policy: SmsRetryPolicy): Promise<SendOutcome> {
  return continueSending(provider, m, policy, await attemptSend(provider, m));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
