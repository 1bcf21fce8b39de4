import type { EventPayloadByType } from './event-payloads.ts';
import type { EventType } from './wire/event-types.ts';

export { EVENT_TYPES, SESSION_END_REASONS } from './wire/event-types.ts';
export type { EventType, SessionEndReason } from './wire/event-types.ts';

export type { EventPayloadByType };

/**
 * An event as GET /v1/events returns it and the SSE `data:` line carries it. `TandemEvent` alone is
 * the union over every type, so checking `event.type` narrows `event.data` to that type's payload.
 */
export type TandemEvent<T extends EventType = EventType> = Extract<AnyTandemEvent, { type: T }>;

type AnyTandemEvent = { [K in EventType]: TandemEventOf<K> }[EventType];

interface TandemEventOf<T extends EventType> {
  /** Globally unique id, stable across webhook retries (the `webhook-id` header). */
  id: string;
  /** Per-organisation sequence number: gap-free and strictly increasing for a reader. */
  seq: number;
  type: T;
  occurredAt: string;
  conversationId: string | null;
  inviteId: string | null;
  sessionId: string | null;
  data: EventPayloadByType[T];
}
