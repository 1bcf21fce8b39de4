/**
 * The `data` of each event type (TypeBox schemas, and the types derived from them). The server's
 * event log is typed by them, the OpenAPI document lists them as webhooks, and the clients' typed
 * events come from them. The ids an event is about (conversationId, inviteId, sessionId) are on
 * the event itself, not in `data`.
 */
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { CHANNELS, CONVERSATION_STATES } from './api-schemas.ts';
import { SESSION_END_REASONS, type EventType } from './events.ts';

const StringEnum = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const DateTime = Type.String({ format: 'date-time' });
const VisitorId = Type.String({ description: 'The customer\'s browser (stable per browser profile).' });
const Channel = StringEnum(CHANNELS);
const DeliveryDetail = Type.Union([Type.String(), Type.Null()], { description: 'What the channel reported (an SMS message id, an error), or null.' });

export const EVENT_PAYLOAD_SCHEMAS = {
  'conversation.updated': Type.Object({
    state: StringEnum(CONVERSATION_STATES),
    previousState: Type.Union([StringEnum(CONVERSATION_STATES), Type.Null()], { description: 'null when the conversation was created by this update.' }),
  }, { description: 'A call was created or changed state (PUT /v1/conversations/{id}).' }),
  'invite.created': Type.Object({
    channels: Type.Array(Channel, { description: 'Where the invite goes: push to an open page, an SMS link, a code read aloud.' }),
    expiresAt: DateTime,
    code: Type.String({ description: 'The ten-digit code the agent can read aloud.' }),
  }, { description: 'The agent asked to cobrowse: an invite bound to the call.' }),
  'invite.delivered': Type.Object({ channel: Channel, detail: DeliveryDetail },
    { description: 'A channel handed the invite over (pushed to the page, SMS accepted by the provider).' }),
  'invite.opened': Type.Object({
    via: StringEnum(['link', 'page'] as const, '`link`: the SMS link was opened; `page`: a pushed invite or an entered code was shown on an open page.'),
    visitorId: Type.Optional(VisitorId),
  }, { description: 'The customer sees the invite.' }),
  'invite.prompt_failed': Type.Object({
    reason: StringEnum(['error', 'hidden'] as const,
      '`error`: the page broke the prompt (e.g. it took the SDK\'s element name); `hidden`: it was put on screen but is not visible.'),
    visitorId: VisitorId,
  }, { description: 'The customer\'s page got the invite but could not show the prompt: use another channel (SMS link, code).' }),
  'invite.link_refused': Type.Object({
    reason: StringEnum(['opened_on_another_page', 'signed_in_as_another_customer'] as const),
    visitorId: VisitorId,
  }, {
    description: 'A page was refused the invite: a second page presented its link (a link works on one page), '
      + 'or the page that opened its link or typed its code is signed in as another customer.',
  }),
  'invite.accepted': Type.Object({ visitorId: VisitorId }, { description: 'The customer clicked Share; session.started follows.' }),
  'invite.declined': Type.Object({ visitorId: VisitorId }, { description: 'The customer said no.' }),
  'invite.expired': Type.Object({ expiresAt: DateTime }, { description: 'Nobody accepted the invite in time.' }),
  'invite.revoked': Type.Object({
    reason: StringEnum(['api', 'call_ended'] as const, '`api`: POST /v1/invites/{id}/revoke; `call_ended`: the conversation was disconnected.'),
  }, { description: 'The invite was withdrawn before it was accepted.' }),
  'invite.delivery_failed': Type.Object({
    channel: Channel,
    reason: StringEnum(['delivery_failed'] as const),
    detail: DeliveryDetail,
  }, { description: 'A channel could not deliver the invite (after its retries).' }),
  'session.started': Type.Object({
    customerId: Type.Union([Type.String(), Type.Null()], { description: 'The signed-in customer\'s id, or null for an anonymous page.' }),
    agentName: Type.String(),
  }, { description: 'The customer is sharing: the agent sees the replica.' }),
  'session.control_granted': Type.Object({}, { description: 'The customer let the agent click and type.' }),
  'session.control_revoked': Type.Object({ by: StringEnum(['customer'] as const) }, { description: 'The customer took control back.' }),
  'session.control_declined': Type.Object({}, { description: 'The customer refused the agent\'s request for control.' }),
  'session.ended': Type.Object({ reason: StringEnum(SESSION_END_REASONS) }, { description: 'The cobrowse is over.' }),
} as const satisfies Record<EventType, TObject>;

export type EventPayloadByType = { [K in EventType]: Static<(typeof EVENT_PAYLOAD_SCHEMAS)[K]> };

/** The whole event of one type, as GET /v1/events returns it and the SSE `data:` line carries it. */
export function eventSchemaOf(type: EventType): TObject {
  return Type.Object({
    id: Type.String({ description: 'Globally unique; the webhook-id header of its deliveries.' }),
    seq: Type.Integer({ description: 'Per-organisation sequence number, gap-free; the SSE id.' }),
    type: Type.Literal(type),
    occurredAt: DateTime,
    conversationId: Type.Union([Type.String(), Type.Null()]),
    inviteId: Type.Union([Type.String(), Type.Null()]),
    sessionId: Type.Union([Type.String(), Type.Null()]),
    data: EVENT_PAYLOAD_SCHEMAS[type],
  }, { description: EVENT_PAYLOAD_SCHEMAS[type].description });
}

/** The body POSTed to a webhook endpoint: the event under `data`, its type and time repeated outside (Standard Webhooks). */
export function webhookBodySchemaOf(type: EventType): TObject {
  return Type.Object({ type: Type.Literal(type), timestamp: DateTime, data: eventSchemaOf(type) });
}

