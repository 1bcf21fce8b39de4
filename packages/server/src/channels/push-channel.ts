import type { Presence } from '../domain/presence.ts';
import type { DirectChannel } from '../domain/delivery-channel.ts';

/** The customer has the site open and is identified: the prompt appears there at once. */
export function pushChannel(presence: Presence): DirectChannel {
  return {
    name: 'push',
    async canReach({ orgId, conversation }) {
      return !!conversation.customer.id && presence.isPresent(orgId, conversation.customer.id);
    },
    async deliver({ orgId, invite, conversation, companyName }) {
      const customerId = conversation.customer.id;
      if (!customerId) return { state: 'failed', detail: 'the conversation has no customer.id to find a live page by' };
      const pages = await presence.pushInvite(orgId, customerId, {
        inviteId: invite.id,
        companyName,
        agentName: invite.agentName,
        phrase: invite.phrase,
        expiresAt: invite.expiresAt,
      });
      return pages > 0 ? { state: 'delivered', detail: `shown on ${pages} page${pages === 1 ? '' : 's'}` }
        : { state: 'failed', detail: 'the customer has no live page' };
    },
  };
}
