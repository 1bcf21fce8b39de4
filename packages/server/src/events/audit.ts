import type { AuditEntry } from '@tandem/protocol';
import type { Db } from '../store/db.ts';
import { listEvents } from './event-log.ts';

/** Everything that happened on one call: its events and every consent decision, in time order. */
export async function conversationAudit(db: Db, orgId: string, conversationId: string): Promise<AuditEntry[]> {
  const events = await listEvents(db, orgId, { after: 0, limit: 10_000, conversationId });
  const consents = await db.query<{ id: string; kind: string; decision: string; invite_id: string; session_id: string | null; customer_id: string | null;
    visitor_id: string; shown: unknown; user_agent: string | null; ip: string | null; at: Date }>(
    'SELECT * FROM consents WHERE org_id = $1 AND conversation_id = $2 ORDER BY at',
    [orgId, conversationId],
  );
  const entries: AuditEntry[] = [
    ...events.map((e) => ({ at: e.occurredAt, kind: 'event' as const, type: e.type,
      data: { seq: e.seq, eventId: e.id, inviteId: e.inviteId, sessionId: e.sessionId, ...e.data } })),
    ...consents.map((c) => ({
      at: new Date(c.at).toISOString(),
      kind: 'consent' as const,
      type: `consent.${c.kind}.${c.decision}`,
      data: { consentId: c.id, inviteId: c.invite_id, sessionId: c.session_id, customerId: c.customer_id, visitorId: c.visitor_id, shown: c.shown,
        userAgent: c.user_agent, ip: c.ip },
    })),
  ];
  // Consent and the events it caused share a timestamp: consent first reads naturally.
  return entries.sort((a, b) => a.at.localeCompare(b.at) || (a.kind === b.kind ? 0 : a.kind === 'consent' ? -1 : 1));
}
