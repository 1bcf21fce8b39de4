import type { EventPayloadByType } from './event-payloads.ts';

/** Event types a company backend receives by webhook and on the event stream. */
export const EVENT_TYPES = [
  'conversation.updated',
  'invite.created',
  'invite.delivered',
  'invite.opened',
  /** The customer's page got the invite but could not show the prompt. */
  'invite.prompt_failed',
  /** A second page presented the invite's link secret and was refused (links work on one page). */
  'invite.link_refused',
  'invite.accepted',
  'invite.declined',
  'invite.expired',
  'invite.revoked',
  'invite.delivery_failed',
  'session.started',
  'session.control_granted',
  'session.control_revoked',
  'session.control_declined',
  'session.ended',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const SESSION_END_REASONS = [
  'call_ended',
  'customer_stopped',
  'agent_ended',
  'api_ended',
  'customer_left',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

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
