import type { Channel, Invite, InviteState } from '@tandem/protocol';
import type { Queryable } from '../store/db.ts';

export interface InviteRow {
  id: string;
  org_id: string;
  conversation_id: string;
  customer_id: string | null;
  state: InviteState;
  code: string;
  secret: string;
  phrase: string;
  return_url: string | null;
  agent_name: string;
  channels: Channel[];
  session_id: string | null;
  /** sha-256 of the key of the page that holds the link (see InviteService.redeemLink) */
  link_holder: string | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface InviteRecord {
  id: string;
  orgId: string;
  conversationId: string;
  customerId: string | null;
  state: InviteState;
  code: string;
  secret: string;
  link: string;
  phrase: string;
  returnUrl: string | null;
  agentName: string;
  channels: Channel[];
  sessionId: string | null;
  expiresAt: string;
  createdAt: string;
}

export const LIVE_INVITE_STATES: InviteState[] = ['created', 'delivered', 'opened'];

// Only these moves are legal; everything else is invalid_state.
export const INVITE_TRANSITIONS: Record<InviteState, InviteState[]> = {
  created: ['delivered', 'opened', 'expired', 'revoked'],
  delivered: ['opened', 'expired', 'revoked'],
  opened: ['accepted', 'declined', 'expired', 'revoked'],
  accepted: [],
  declined: [],
  expired: [],
  revoked: [],
};

export function toInviteRecord(r: InviteRow, publicUrl: string): InviteRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    conversationId: r.conversation_id,
    customerId: r.customer_id,
    state: r.state,
    code: r.code,
    secret: r.secret,
    link: `${publicUrl}/j/${r.secret}`,
    phrase: r.phrase,
    returnUrl: r.return_url,
    agentName: r.agent_name,
    channels: r.channels,
    sessionId: r.session_id,
    expiresAt: new Date(r.expires_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export async function loadDeliveries(q: Queryable, inviteId: string): Promise<Invite['deliveries']> {
  const rows = await q.query<{ channel: Channel; state: Invite['deliveries'][number]['state']; detail: string | null; at: Date }>(
    'SELECT channel, state, detail, at FROM invite_deliveries WHERE invite_id = $1 ORDER BY id',
    [inviteId],
  );
  return rows.map((r) => ({ channel: r.channel, state: r.state, ...(r.detail ? { detail: r.detail } : {}), at: new Date(r.at).toISOString() }));
}

export function toInvite(r: InviteRecord, deliveries: Invite['deliveries']): Invite {
  return {
    id: r.id,
    conversationId: r.conversationId,
    customerId: r.customerId,
    state: r.state,
    code: r.code,
    link: r.link,
    phrase: r.phrase,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    sessionId: r.sessionId,
    deliveries,
  };
}
