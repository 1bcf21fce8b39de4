import type { EventPayloadByType, EventType, TandemEvent } from '@tandem/protocol';
import type { Queryable } from '../store/db.ts';
import { newId } from '../shared/ids.ts';

/** An event to append: its `data` must be its type's documented payload (EVENT_PAYLOAD_SCHEMAS). */
export type NewEvent = { [T in EventType]: NewEventOf<T> }[EventType];

interface NewEventOf<T extends EventType> {
  type: T;
  conversationId?: string | null;
  inviteId?: string | null;
  sessionId?: string | null;
  data: EventPayloadByType[T];
}

interface EventRow {
  org_id: string;
  seq: number | string;
  id: string;
  type: EventType;
  conversation_id: string | null;
  invite_id: string | null;
  session_id: string | null;
  data: Record<string, unknown>;
  occurred_at: Date;
}

export function toEvent(r: EventRow): TandemEvent {
  return {
    id: r.id,
    seq: Number(r.seq),
    type: r.type,
    occurredAt: new Date(r.occurred_at).toISOString(),
    conversationId: r.conversation_id,
    inviteId: r.invite_id,
    sessionId: r.session_id,
    data: r.data,
    // Rows are written by appendEvent only, whose NewEvent ties each type to its payload.
  } as TandemEvent;
}

/**
 * Appends an event inside the caller's transaction. The sequence comes from a counter row on the
 * organisation: the row lock is held until commit, so events of one organisation commit in
 * sequence order and a reader never sees seq N+1 before N (no gaps for a reader).
 * Webhook deliveries for matching endpoints are queued in the same transaction.
 */
export async function appendEvent(q: Queryable, orgId: string, e: NewEvent): Promise<TandemEvent> {
  const [counter] = await q.query<{ event_seq: number | string }>(
    'UPDATE orgs SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq',
    [orgId],
  );
  if (!counter) throw new Error(`organisation ${orgId} does not exist`);
  const [row] = await q.query<EventRow>(
    `INSERT INTO events (org_id, seq, id, type, conversation_id, invite_id, session_id, data, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [orgId, Number(counter.event_seq), newId('evt'), e.type, e.conversationId ?? null, e.inviteId ?? null, e.sessionId ?? null, JSON.stringify(e.data),
      new Date()],
  );
  const event = toEvent(row!);
  const hooks = await q.query<{ id: string }>(
    'SELECT id FROM webhooks WHERE org_id = $1 AND deleted_at IS NULL AND $2 = ANY(events)',
    [orgId, event.type],
  );
  for (const hook of hooks) {
    await q.query(
      `INSERT INTO webhook_deliveries (id, org_id, webhook_id, event_id, state, next_attempt_at) VALUES ($1, $2, $3, $4, 'pending', $5)`,
      [newId('whd'), orgId, hook.id, event.id, new Date()],
    );
  }
  return event;
}

/** Which events to list: after a seq, at most `limit`, optionally of one call and of some types. */
export interface EventQuery {
  after: number;
  limit: number;
  conversationId?: string;
  types?: string[];
}

export async function listEvents(q: Queryable, orgId: string, opts: EventQuery): Promise<TandemEvent[]> {
  const params: unknown[] = [orgId, opts.after, opts.limit];
  let where = 'org_id = $1 AND seq > $2';
  if (opts.conversationId) {
    params.push(opts.conversationId);
    where += ` AND conversation_id = $${params.length}`;
  }
  if (opts.types?.length) {
    params.push(opts.types);
    where += ` AND type = ANY($${params.length})`;
  }
  const rows = await q.query<EventRow>(`SELECT * FROM events WHERE ${where} ORDER BY seq LIMIT $3`, params);
  return rows.map(toEvent);
}

/** Every organisation: each has its own event sequence, and the webhook dispatcher wakes on each one's topic. */
export async function listOrgIds(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ id: string }>('SELECT id FROM orgs');
  return rows.map((r) => r.id);
}
