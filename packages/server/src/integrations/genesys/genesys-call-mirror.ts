import type { ConversationState, ConversationUpsert } from '@tandem/protocol';
import type { GenesysCall, GenesysParticipant } from './genesys-client.ts';

const ENDED = new Set(['disconnected', 'terminated']);
const CUSTOMER = new Set(['customer', 'external']);
const AGENT = new Set(['agent', 'user']);

/** What a Genesys call means for its Tandem conversation; null when it has no customer. */
export interface MirroredCall {
  state: ConversationState;
  customerPhone: string | null;
  /** The Genesys user id of the connected agent, when there is one. */
  agentUserId: string | null;
}

/**
 * connected when the customer and an agent are both connected; disconnected once the customer
 * or every agent has left; dialing before. The customer's number is the participant's address
 * (tel:+1317...).
 */
export function mirrorCall(call: GenesysCall): MirroredCall | null {
  const customer = call.participants.find((p) => CUSTOMER.has(p.purpose ?? ''));
  if (!customer) return null;
  const agents = call.participants.filter((p) => AGENT.has(p.purpose ?? ''));
  const connectedAgent = agents.find((p) => stateOf(p) === 'connected' && p.user?.id);
  let state: ConversationState = 'dialing';
  if (ENDED.has(stateOf(customer)) || (agents.length > 0 && agents.every((p) => ENDED.has(stateOf(p))))) state = 'disconnected';
  else if (stateOf(customer) === 'connected' && connectedAgent) state = 'connected';
  return { state, customerPhone: phoneOf(customer.address), agentUserId: connectedAgent?.user?.id ?? null };
}

/** The participant's state, or that of its latest call leg (conversation topics nest it there). */
function stateOf(p: GenesysParticipant): string {
  return p.state ?? p.calls?.at(-1)?.state ?? '';
}

function phoneOf(address: string | undefined): string | null {
  if (!address) return null;
  const m = /^(?:tel:)?(\+?[0-9][0-9 ()\-.]{5,})$/.exec(address.trim());
  return m ? m[1]! : null;
}

/** The conversation upsert for a call, given what Tandem already has. null: nothing to change. */
export function upsertFor(m: MirroredCall, current: ConversationState | null, agentName: string | null): ConversationUpsert | null {
  if (current === 'disconnected') return null;
  // A call Tandem never saw that is already over is not worth a conversation.
  if (current === null && m.state === 'disconnected') return null;
  // Calls only move forward; a consult or transfer that briefly leaves no agent keeps the call connected.
  const state: ConversationState = current === 'connected' && m.state === 'dialing' ? 'connected' : m.state;
  return {
    state,
    ...(m.customerPhone ? { customer: { phone: m.customerPhone } } : {}),
    ...(m.agentUserId ? { agent: { id: m.agentUserId, ...(agentName ? { name: agentName } : {}) } } : {}),
  };
}
