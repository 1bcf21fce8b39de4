import { DomainError } from '../domain/domain-error.ts';
import { newId } from '../domain/ids.ts';
import { normalisePhone } from '../domain/phone.ts';
import type { DeliveryChannel, DeliveryResult } from './delivery-channel.ts';
import type { SmsProvider } from './sms-provider.ts';
import { attemptSend, continueSending, type SendOutcome, type SmsRetryPolicy } from './sms-retry.ts';
import { smsLanguage, SMS_TEMPLATES } from './sms-locales.ts';
import { renderSms } from './sms-template.ts';

export interface SmsChannelOptions {
  retry: SmsRetryPolicy;
  /** The invite text for every customer; the built-in one in the customer's language when null. */
  template: string | null;
  defaultPhoneRegion: string | null;
}

const DEFAULTS: SmsChannelOptions = { retry: { maxAttempts: 3, baseDelayMs: 1000 }, template: null, defaultPhoneRegion: null };

const times = (n: number) => (n > 1 ? ` (after ${n} attempts)` : '');

function toResult(providerName: string, o: SendOutcome): DeliveryResult {
  if (o.ok) return { state: 'sent', detail: `${providerName}:${o.providerId}${times(o.attempts)}` };
  return { state: 'failed', detail: `${o.error.reason}: ${o.error.message}${times(o.attempts)}` };
}

/**
 * A text with the deep link, through the configured SMS provider. The first attempt is made while
 * the invite is created; if it meets passing trouble the delivery is `pending` and the remaining
 * attempts run after the response, each with the same message id, until one is taken or the
 * attempts run out (then it is `failed`). Refusals that another try cannot change fail at once.
 */
export function smsChannel(provider: SmsProvider, options: Partial<SmsChannelOptions> = {}): DeliveryChannel {
  const opts = { ...DEFAULTS, ...options };
  return {
    name: 'sms',
    async canReach({ conversation }) {
      return !!conversation.customer.phone;
    },
    async deliver({ orgId, invite, conversation, companyName }) {
      const phone = conversation.customer.phone;
      if (!phone) return { state: 'failed', detail: 'the conversation has no customer.phone' };
      let to: string;
      try {
        to = normalisePhone(phone, opts.defaultPhoneRegion);
      } catch (err) {
        if (err instanceof DomainError) return { state: 'failed', detail: `invalid_phone: ${err.detail}` };
        throw err;
      }
      const minutes = Math.max(1, Math.round((Date.parse(invite.expiresAt) - Date.now()) / 60_000));
      const lang = smsLanguage(conversation.customer.locale);
      const { text } = renderSms(opts.template ?? SMS_TEMPLATES[lang]!, { company: companyName, agent: invite.agentName, link: invite.link, minutes, locale: lang });
      const message = { id: newId('sms'), orgId, to, body: text, inviteId: invite.id, createdAt: new Date().toISOString() };

      const first = await attemptSend(provider, message);
      if (first.ok || !first.error.retryable || opts.retry.maxAttempts <= 1) return toResult(provider.name, first);
      const settled = continueSending(provider, message, opts.retry, first)
        .then((o) => toResult(provider.name, o))
        .catch((err: Error): DeliveryResult => ({ state: 'failed', detail: `provider_unavailable: ${err.message}` }));
      return { state: 'pending', detail: `retrying: ${first.error.reason}: ${first.error.message}`, settled };
    },
  };
}
