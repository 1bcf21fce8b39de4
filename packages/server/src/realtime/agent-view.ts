import type { AgentView } from '@tandem/protocol';
import type { Services } from '../wiring/services.ts';

/** What the console shows about a call, read fresh from the store. */
export async function loadAgentView(s: Services, orgId: string, conversationId: string, customerLink: AgentView['customerLink']): Promise<AgentView> {
  const conversation = await s.conversations.get(orgId, conversationId);
  const [invite] = await s.invites.listByConversation(orgId, conversationId);
  const [session] = await s.sessions.list(orgId, { conversationId, limit: 1 });
  return {
    conversationId,
    conversationState: conversation.state,
    customerName: conversation.customer.name ?? null,
    agentName: conversation.agent?.name ?? null,
    invite: invite
      ? {
          id: invite.id,
          state: invite.state,
          code: invite.code,
          phrase: invite.phrase,
          expiresAt: invite.expiresAt,
          deliveries: invite.deliveries.map((d) => ({ channel: d.channel, state: d.state, ...(d.detail ? { detail: d.detail } : {}) })),
        }
      : null,
    session: session ? { id: session.id, state: session.state, control: session.control, endReason: session.endReason } : null,
    customerLink: session?.state === 'active' ? customerLink : session ? 'gone' : null,
  };
}
