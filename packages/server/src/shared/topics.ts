/** The bus topics: what each carries and who listens. */

/** Bus topic that says "organisation X has events up to seq N": SSE streams and webhooks wake on it. */
export const orgEventsTopic = (orgId: string) => `org-events:${orgId}`;

/** What orgEventsTopic carries: the conversations the new events belong to (null: some had none). */
export interface OrgEventsMessage {
  seq: number;
  conversationIds?: (string | null)[];
}

/**
 * Whether a listener that follows one conversation has anything to read. Without this, every
 * agent console of an organisation queried the database on every event of every call: 2,000
 * consoles, 2,000 queries per event (bench: sessions, 200 ms stalls of the server's loop).
 */
export function concernsConversation(message: unknown, conversationId: string): boolean {
  const ids = (message as Partial<OrgEventsMessage> | null)?.conversationIds;
  return !Array.isArray(ids) || ids.includes(conversationId);
}

/** Bus topic: control was granted or revoked (the relay tells the page and the agents). */
export const sessionControlTopic = 'session-control';

/** Bus topic: a session ended (relay sockets close on it, on every node). */
export const sessionEndedTopic = 'session-ended';
