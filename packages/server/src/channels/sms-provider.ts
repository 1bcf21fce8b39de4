import type { SmsMessageOut } from '../domain/delivery-channel.ts';

// The message is the domain's (a queued delivery stores it); providers only send it.
export type { SmsMessageOut };

/**
 * Sends one SMS. Implementations: the outbox (default, stores it), webhook (the company's own
 * sender) and twilio; `test/suites/sms-provider-contract.ts` is the suite each must pass.
 */
export interface SmsProvider {
  readonly name: string;
  /** Resolves once the provider took the message; rejects with an SmsSendError otherwise. */
  send(message: SmsMessageOut): Promise<{ providerId: string; status?: string }>;
}

/**
 * Why a message did not go, in our words rather than a provider's:
 * - invalid_phone: the number cannot get an SMS (malformed, not a mobile, unknown).
 * - opted_out: the recipient unsubscribed (replied STOP); sending again is refused by law and carrier.
 * - provider_config: our credentials or sender are wrong; only the operator can fix it.
 * - provider_rejected: the provider refused this message for another reason.
 * - rate_limited / provider_unavailable / network: passing trouble, worth another try.
 */
export type SmsFailureReason = 'invalid_phone' | 'opted_out' | 'provider_config' | 'provider_rejected' | 'rate_limited' | 'provider_unavailable' | 'network';

const RETRYABLE: ReadonlySet<SmsFailureReason> = new Set(['rate_limited', 'provider_unavailable', 'network']);

export class SmsSendError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly reason: SmsFailureReason,
    message: string,
    /** A wait the provider asked for (Retry-After), when it gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SmsSendError';
    this.retryable = RETRYABLE.has(reason);
  }
}

/** Reads a Retry-After header (seconds or an HTTP date) as milliseconds. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A fetch failure (refused, reset, timed out) as a retryable SmsSendError. */
export function networkError(provider: string, err: unknown, timeoutMs: number): SmsSendError {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new SmsSendError('network', `${provider} did not answer within ${timeoutMs} ms`);
  return new SmsSendError('network', `${provider} could not be reached (${e.cause?.code ?? e.message})`);
}
