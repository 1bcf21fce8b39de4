import { webhookHeaders } from '../events/webhook-signing.ts';
import { SmsSendError, networkError, retryAfterMs, type SmsFailureReason, type SmsMessageOut, type SmsProvider } from './sms-provider.ts';

export interface WebhookSmsOptions {
  url: string;
  /** `whsec_<base64 key>`, verified by the receiver with any Standard Webhooks library. */
  secret: string;
  timeoutMs: number;
}

// A receiver may say why it refused, in the body of a 4xx: {"reason": "invalid_phone"}.
const RECEIVER_REASONS: ReadonlySet<SmsFailureReason> = new Set(['invalid_phone', 'opted_out']);

/**
 * Hands each message to the company's own SMS sender: a JSON POST signed exactly like our event
 * webhooks (Standard Webhooks headers; `webhook-id` is the message id, stable across retries, so
 * the receiver drops duplicates). Any 2xx means taken; 408, 429 and 5xx are passing trouble.
 */
export class WebhookSmsProvider implements SmsProvider {
  readonly name = 'webhook';
  constructor(private readonly opts: WebhookSmsOptions) {}

  async send(m: SmsMessageOut): Promise<{ providerId: string }> {
    const body = JSON.stringify({ id: m.id, to: m.to, body: m.body, inviteId: m.inviteId, createdAt: m.createdAt });
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: webhookHeaders(this.opts.secret, m.id, body),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      throw networkError('the SMS webhook', err, this.opts.timeoutMs);
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return { providerId: m.id };
    const what = `the SMS webhook answered ${res.status}`;
    if (res.status === 429) throw new SmsSendError('rate_limited', what, retryAfterMs(res.headers.get('retry-after')));
    if (res.status === 408 || res.status >= 500) throw new SmsSendError('provider_unavailable', what, retryAfterMs(res.headers.get('retry-after')));
    if (res.status === 401 || res.status === 403) throw new SmsSendError('provider_config', `${what}: check SMS_WEBHOOK_SECRET against the receiver's`);
    const said = receiverReason(text);
    if (said) throw new SmsSendError(said.reason, said.message ? `${what}: ${said.message}` : what);
    throw new SmsSendError('provider_rejected', text ? `${what}: ${text.slice(0, 200)}` : what);
  }
}

function receiverReason(text: string): { reason: SmsFailureReason; message?: string } | null {
  try {
    const parsed = JSON.parse(text) as { reason?: unknown; message?: unknown };
    if (typeof parsed.reason === 'string' && RECEIVER_REASONS.has(parsed.reason as SmsFailureReason)) {
      return { reason: parsed.reason as SmsFailureReason, message: typeof parsed.message === 'string' ? parsed.message : undefined };
    }
  } catch {
    // Not JSON: the status alone decides.
  }
  return null;
}
