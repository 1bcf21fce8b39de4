import type { Config } from '../config.ts';
import type { QueuedChannel } from '../domain/delivery-channel.ts';
import { smsChannel } from '../channels/sms-channel.ts';
import type { SmsOutbox } from '../channels/sms-outbox.ts';
import type { SmsProvider } from '../channels/sms-provider.ts';
import { TwilioSmsProvider } from '../channels/twilio-sms-provider.ts';
import { WebhookSmsProvider } from '../channels/webhook-sms-provider.ts';
import { GenesysSmsProvider, type GenesysSmsRoute } from '../integrations/genesys/genesys-sms-provider.ts';

/** The provider SMS_PROVIDER names; the outbox (always built, GET /v1/sms/outbox reads it) by default. */
export function createSmsProvider(config: Pick<Config, 'sms'>, outbox: SmsOutbox, genesys?: GenesysSmsRoute): SmsProvider {
  const { provider: p, timeoutMs } = config.sms;
  switch (p.kind) {
    case 'outbox':
      return outbox;
    case 'webhook':
      return new WebhookSmsProvider({ url: p.url, secret: p.secret, timeoutMs });
    case 'twilio':
      return new TwilioSmsProvider({ accountSid: p.accountSid, authToken: p.authToken, sender: p.sender, baseUrl: p.baseUrl, timeoutMs });
    case 'genesys':
      if (!genesys) throw new Error('SMS_PROVIDER=genesys needs the Genesys links');
      return new GenesysSmsProvider(genesys);
  }
}

/** The sms delivery channel as configured: provider, retries, text and phone region. */
export function smsChannelFromConfig(config: Pick<Config, 'sms' | 'defaultPhoneRegion'>, outbox: SmsOutbox, genesys?: GenesysSmsRoute): QueuedChannel {
  return smsChannel(createSmsProvider(config, outbox, genesys), {
    retry: { maxAttempts: config.sms.maxAttempts, baseDelayMs: config.sms.retryBaseMs },
    template: config.sms.template,
    defaultPhoneRegion: config.defaultPhoneRegion,
  });
}
