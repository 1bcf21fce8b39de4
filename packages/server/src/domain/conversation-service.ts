import type { Conversation, ConversationState, ConversationUpsert } from '@tandem/protocol';
import type { Queryable } from '../store/db.ts';
import { DomainError } from '../shared/domain-error.ts';
import { transact, type Deps, type Tx } from './deps.ts';
import { normalisePhone } from '../shared/phone.ts';

interface Row {
  org_id: string;
  id: string;
  state: ConversationState;
  customer: Conversation['customer'];
  agent: Conversation['agent'];
  created_at: Date;
  updated_at: Date;
  connected_at: Date | null;
  disconnected_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const toConversation = (r: Row): Conversation => ({
  id: r.id,
  state: r.state,
  customer: r.customer ?? {},
  agent: r.agent ?? null,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  connectedAt: iso(r.connected_at),
  disconnectedAt: iso(r.disconnected_at),
});

// A call goes dialing -> connected -> disconnected; a hung-up call id is never reused.
const ALLOWED: Record<ConversationState, ConversationState[]> = {
  dialing: ['dialing', 'connected', 'disconnected'],
  connected: ['connected', 'disconnected'],
  disconnected: ['disconnected'],
};

export async function loadConversation(q: Queryable, orgId: string, id: string, lock = false): Promise<Conversation | null> {
  const [row] = await q.query<Row>(`SELECT * FROM conversations WHERE org_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [orgId, id]);
  return row ? toConversation(row) : null;
}

export interface CallEndHooks {
  /** Revokes live invites and ends live sessions of the conversation, inside the same transaction. */
  onCallEnded(tx: Tx, orgId: string, conversationId: string): Promise<void>;
}

export class ConversationService {
  constructor(private readonly deps: Deps, private readonly hooks: CallEndHooks) {}

  async get(orgId: string, id: string): Promise<Conversation> {
    const c = await loadConversation(this.deps.db, orgId, id);
    if (!c) throw new DomainError('conversation_not_found', `No conversation "${id}": create it with PUT /v1/conversations/${id}.`);
    return c;
  }

  /** Upsert by the dialer's call id. Returns whether it was created. */
  async upsert(orgId: string, id: string, input: ConversationUpsert): Promise<{ conversation: Conversation; created: boolean }> {
    const customer = input.customer ? { ...input.customer } : undefined;
    if (customer?.phone !== undefined) customer.phone = normalisePhone(customer.phone, this.deps.config.defaultPhoneRegion);

    return transact(this.deps, orgId, async (tx) => {
      const existing = await loadConversation(tx.q, orgId, id, true);
      const now = new Date();
      if (!existing) {
        const [row] = await tx.q.query<Row>(
          `INSERT INTO conversations (org_id, id, state, customer, agent, created_at, updated_at, connected_at, disconnected_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8) RETURNING *`,
          [orgId, id, input.state, JSON.stringify(customer ?? {}), input.agent ? JSON.stringify(input.agent) : null, now,
            input.state === 'connected' ? now : null, input.state === 'disconnected' ? now : null],
        );
        const conversation = toConversation(row!);
        await tx.emit({ type: 'conversation.updated', conversationId: id, data: { state: conversation.state, previousState: null } });
        return { conversation, created: true };
      }
      if (!ALLOWED[existing.state].includes(input.state)) {
        throw new DomainError('invalid_state', `The call is ${existing.state} and cannot become ${input.state}: use a new conversation id for a new call.`,
          { currentState: existing.state });
      }
      const merged = { ...existing.customer, ...(customer ?? {}) };
      const [row] = await tx.q.query<Row>(
        `UPDATE conversations SET state = $3, customer = $4, agent = $5, updated_at = $6,
                connected_at = COALESCE(connected_at, $7), disconnected_at = COALESCE(disconnected_at, $8)
          WHERE org_id = $1 AND id = $2 RETURNING *`,
        [orgId, id, input.state, JSON.stringify(merged), JSON.stringify(input.agent ?? existing.agent), now,
          input.state === 'connected' ? now : null, input.state === 'disconnected' ? now : null],
      );
      const conversation = toConversation(row!);
      if (existing.state !== input.state) {
        await tx.emit({ type: 'conversation.updated', conversationId: id, data: { state: input.state, previousState: existing.state } });
        if (input.state === 'disconnected') await this.hooks.onCallEnded(tx, orgId, id);
      }
      return { conversation, created: false };
    });
  }
}
