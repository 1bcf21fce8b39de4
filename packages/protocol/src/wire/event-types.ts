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
