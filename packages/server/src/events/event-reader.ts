import type { ServerResponse } from 'node:http';
import type { AuditEntry, TandemEvent } from '@tandem/protocol';
import { conversationAudit } from './audit.ts';
import { listEvents, type EventQuery } from './event-log.ts';
import { streamEvents, type StreamDeps, type StreamOptions } from './event-stream.ts';

/**
 * The event log as the edges read it: pages of events, one call's audit trail, the live stream.
 * Routes and agent consoles ask this; they never query the store themselves.
 */
export class EventReader {
  constructor(private readonly deps: StreamDeps) {}

  list(orgId: string, query: EventQuery): Promise<TandemEvent[]> {
    return listEvents(this.deps.db, orgId, query);
  }

  /** Everything that happened on one call: its events and every consent decision, in time order. */
  audit(orgId: string, conversationId: string): Promise<AuditEntry[]> {
    return conversationAudit(this.deps.db, orgId, conversationId);
  }

  /** Server-Sent Events until the client goes or `shutdown` fires (see event-stream.ts). */
  stream(res: ServerResponse, opts: StreamOptions, shutdown: AbortSignal): Promise<void> {
    return streamEvents(this.deps, res, opts, shutdown);
  }
}
