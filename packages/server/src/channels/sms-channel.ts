import { DomainError } from '../shared/domain-error.ts';
import { newId } from '../shared/ids.ts';
import { normalisePhone } from '../shared/phone.ts';
import type { DeliveryResult, QueuedChannel } from '../domain/delivery-channel.ts';
import type { SmsMessageOut, SmsProvider } from './sms-provider.ts';
import { attemptSend, nextAttemptDelay, type SendOutcome, type SmsRetryPolicy } from './sms-retry.ts';
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
 * A text with the deep link, through the configured SMS provider. The message is made (and
 * stored by the invite service) while the invite is created and the first attempt follows at
 * once; if it meets passing trouble the delivery is `pending` with the time of its next attempt,
 * which the invite service stores and makes later (on any node, after a restart too), each with
 * the same message id, until one is taken or the attempts run out (then it is `failed`).
 * Refusals that another try cannot change fail at once.
 */
export function smsChannel(provider: SmsProvider, options: Partial<SmsChannelOptions> = {}): QueuedChannel {
  const opts = { ...DEFAULTS, ...options };
  const settleOrRetry = (message: SmsMessageOut, o: SendOutcome): DeliveryResult => {
    const wait = nextAttemptDelay(o, opts.retry);
    if (wait === null || o.ok) return toResult(provider.name, o);
    return { state: 'pending', detail: `retrying: ${o.error.reason}: ${o.error.message}`,
      retry: { at: new Date(Date.now() + wait), attempts: o.attempts, message } };
  };
  return {
    name: 'sms',
    async canReach({ conversation }) {
      return !!conversation.customer.phone;
    },
    prepare({ orgId, invite, conversation, companyName, deploymentLocale }) {
      const phone = conversation.customer.phone;
      if (!phone) return { result: { state: 'failed', detail: 'the conversation has no customer.phone' } };
      let to: string;
      try {
        to = normalisePhone(phone, opts.defaultPhoneRegion);
      } catch (err) {
        if (err instanceof DomainError) return { result: { state: 'failed', detail: `invalid_phone: ${err.detail}` } };
        throw err;
      }
      const minutes = Math.max(1, Math.round((Date.parse(invite.expiresAt) - Date.now()) / 60_000));
      // The customer's own language first; the site's default for its customers otherwise.
      const lang = smsLanguage(conversation.customer.locale ?? deploymentLocale ?? undefined);
      const { text } =
        renderSms(opts.template ?? SMS_TEMPLATES[lang]!, { company: companyName, agent: invite.agentName, link: invite.link, minutes, locale: lang });
      return { ticket: { message: { id: newId('sms'), orgId, to, body: text, inviteId: invite.id, createdAt: new Date().toISOString() }, attempts: 0 } };
    },
    async send({ message, attempts }) {
      const o = await attemptSend(provider, message);
      return settleOrRetry(message, { ...o, attempts: attempts + 1 });
    },
  };
}
