import type { DeliveryChannel } from './delivery-channel.ts';
import type { SmsProvider } from './sms-provider.ts';

/** A text with the deep link, through the configured SMS provider. */
export function smsChannel(provider: SmsProvider): DeliveryChannel {
  return {
    name: 'sms',
    async canReach({ conversation }) {
      return !!conversation.customer.phone;
    },
    async deliver({ orgId, invite, conversation, companyName }) {
      const to = conversation.customer.phone;
      if (!to) return { state: 'failed', detail: 'the conversation has no customer.phone' };
      const minutes = Math.max(1, Math.round((Date.parse(invite.expiresAt) - Date.now()) / 60_000));
      const body = `${companyName}: ${invite.agentName} would like to see your screen to help you. Open ${invite.link} (valid ${minutes} min). Not expecting this? Ignore it.`;
      try {
        const { providerId } = await provider.send({ orgId, to, body, inviteId: invite.id });
        return { state: 'sent', detail: `${provider.name}:${providerId}` };
      } catch (err) {
        return { state: 'failed', detail: `${provider.name}: ${(err as Error).message}` };
      }
    },
  };
}
