/**
 * JSON Schemas (TypeBox) of the REST API's bodies. The server validates with them and builds its
 * OpenAPI document from them; the client takes its types from them. Objects reject unknown
 * fields so a typo in a request is an error, not a silently ignored field.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, SESSION_END_REASONS } from './events.ts';
import { ERROR_CODE_LIST } from './wire/errors.ts';
import { SCOPES } from './scopes.ts';
import { SHORT_CODE_INPUT_PATTERN } from './wire/short-code.ts';

const Strict = { additionalProperties: false } as const;
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const StringEnum = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const ExternalId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[!-~]+$',
  description: 'An id from your systems: printable ASCII without spaces (URL-encode it in paths)',
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    code: StringEnum(ERROR_CODE_LIST),
    status: Type.Integer(),
    title: Type.String(),
    detail: Type.String(),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

// ---- OAuth
export const TokenRequest = Type.Object({
  grant_type: Type.String(),
  client_id: Type.String(),
  client_secret: Type.String(),
  scope: Type.Optional(Type.String({ description: 'Space-separated scopes; defaults to all the client holds' })),
});
export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
});
export type TokenResponse = Static<typeof TokenResponse>;

// ---- Conversations
export const CONVERSATION_STATES = ['dialing', 'connected', 'disconnected'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

export const Customer = Type.Object(
  {
    id: Type.Optional(ExternalId),
    phone: Type.Optional(Type.String({ maxLength: 32, description: 'E.164, e.g. +14155550123' })),
    email: Type.Optional(Type.String({ maxLength: 254, format: 'email' })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    locale: Type.Optional(Type.String(
      { maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', description: 'BCP 47 language tag, e.g. de or pt-BR: the language of the SMS invite' })),
  },
  Strict,
);
export type Customer = Static<typeof Customer>;

export const Agent = Type.Object({ id: ExternalId, name: Type.Optional(Type.String({ maxLength: 200 })) }, Strict);
export type Agent = Static<typeof Agent>;

export const ConversationUpsert = Type.Object(
  {
    state: StringEnum(CONVERSATION_STATES),
    customer: Type.Optional(Customer),
    agent: Type.Optional(Agent),
  },
  Strict,
);
export type ConversationUpsert = Static<typeof ConversationUpsert>;

export const Conversation = Type.Object({
  id: Type.String(),
  state: StringEnum(CONVERSATION_STATES),
  customer: Customer,
  agent: Nullable(Agent),
  createdAt: DateTime,
  updatedAt: DateTime,
  connectedAt: Nullable(DateTime),
  disconnectedAt: Nullable(DateTime),
});
export type Conversation = Static<typeof Conversation>;

// ---- Invites
export const CHANNELS = ['push', 'sms', 'code'] as const;
export type Channel = (typeof CHANNELS)[number];
export const INVITE_STATES = ['created', 'delivered', 'opened', 'accepted', 'declined', 'expired', 'revoked'] as const;
export type InviteState = (typeof INVITE_STATES)[number];
export const DELIVERY_STATES = ['pending', 'sent', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const InviteCreate = Type.Object(
  {
    conversationId: ExternalId,
    channels: Type.Optional(Type.Array(StringEnum(CHANNELS), { minItems: 1, maxItems: 3, uniqueItems: true })),
    returnUrl: Type.Optional(
      Type.String({ format: 'uri', maxLength: 2048, description: 'Page the SMS link opens (http or https); defaults to the deployment\'s first origin' })),
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 86400 })),
  },
  Strict,
);
export type InviteCreate = Static<typeof InviteCreate>;

export const Delivery = Type.Object({
  channel: StringEnum(CHANNELS),
  state: StringEnum(DELIVERY_STATES),
  detail: Type.Optional(Type.String()),
  at: DateTime,
});

export const Invite = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  customerId: Nullable(Type.String()),
  state: StringEnum(INVITE_STATES),
  code: Type.String({ pattern: '^[0-9]{10}$', description: 'Ten-digit code the agent reads aloud, grouped like a phone number ("482 913 0751")' }),
  link: Type.String({ description: 'Deep link with a long random secret; send it only to the customer' }),
  phrase: Type.String({ description: 'Matching phrase shown in both the prompt and the agent console' }),
  expiresAt: DateTime,
  createdAt: DateTime,
  sessionId: Nullable(Type.String()),
  deliveries: Type.Array(Delivery),
});
export type Invite = Static<typeof Invite>;

export const InviteClaim = Type.Object(
  { code: Type.String({ pattern: SHORT_CODE_INPUT_PATTERN, maxLength: 24,
    description: 'The ten digits the customer read; spaces and dashes between groups are fine' }), conversationId: ExternalId },
  Strict,
);

// ---- Sessions
export const SESSION_STATES = ['active', 'ended'] as const;
export const Session = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  inviteId: Type.String(),
  customerId: Nullable(Type.String()),
  state: StringEnum(SESSION_STATES),
  control: Type.Boolean({ description: 'Whether the customer has granted remote control' }),
  startedAt: DateTime,
  endedAt: Nullable(DateTime),
  endReason: Nullable(StringEnum(SESSION_END_REASONS)),
});
export type Session = Static<typeof Session>;

export const SessionEnd = Type.Object(
  { reason: Type.Optional(StringEnum(['agent_ended', 'api_ended'] as const)) },
  Strict,
);

// ---- Events
export const EventSchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  type: StringEnum(EVENT_TYPES),
  occurredAt: DateTime,
  conversationId: Nullable(Type.String()),
  inviteId: Nullable(Type.String()),
  sessionId: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown(),
    { description: 'The payload of its type: every type\'s fields are in the webhooks section (the same event under `data`).' }),
});

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

// ---- Webhooks
export const WebhookCreate = Type.Object(
  {
    url: Type.String({ format: 'uri', maxLength: 2048 }),
    events: Type.Optional(Type.Array(StringEnum(EVENT_TYPES), { minItems: 1, uniqueItems: true, description: 'Defaults to every event type' })),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  Strict,
);
export const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(StringEnum(EVENT_TYPES)),
  description: Nullable(Type.String()),
  createdAt: DateTime,
});
export const WebhookCreated = Type.Intersect([
  Webhook,
  Type.Object({ secret: Type.String({ description: 'whsec_… signing secret; shown only once' }) }),
]);
export const WebhookAttempt = Type.Object({
  attempt: Type.Integer(),
  at: DateTime,
  status: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
});
export const WebhookDelivery = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: StringEnum(EVENT_TYPES),
  state: StringEnum(['pending', 'succeeded', 'failed'] as const),
  attempts: Type.Array(WebhookAttempt),
  nextAttemptAt: Nullable(DateTime),
  redeliveredAs: Nullable(Type.String({ description: 'The delivery that sent this event again (POST .../redeliver), if any' })),
});

// ---- Deployments (one per site that embeds the SDK)
const DeploymentLocale = Type.Union([Type.String({ minLength: 2, maxLength: 35 }), Type.Null()], {
  description: 'The default language of the prompts for this site\'s customers, a BCP 47 tag (e.g. "de"); '
    + 'the page\'s own choice (Tandem.push([\'locale\', ...]), then <html lang>) comes first; null for none. '
    + 'Unknown languages are refused with unsupported_locale.',
});
export const DeploymentCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    allowedOrigins: Type.Array(Type.String({ maxLength: 255 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
    companyName: Type.Optional(Type.String({ maxLength: 100, description: 'Shown in the consent prompt; defaults to name' })),
    locale: Type.Optional(DeploymentLocale),
  },
  Strict,
);
export const DeploymentUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    companyName: Type.Optional(Type.String({ maxLength: 100 })),
    allowedOrigins: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { minItems: 1, maxItems: 50, uniqueItems: true })),
    locale: Type.Optional(DeploymentLocale),
  },
  { ...Strict, minProperties: 1 },
);
export const Deployment = Type.Object({
  id: Type.String(),
  name: Type.String(),
  companyName: Type.String(),
  key: Type.String({ description: 'Public key for the script tag (data-deployment)' }),
  allowedOrigins: Type.Array(Type.String()),
  locale: Type.Union([Type.String(), Type.Null()], { description: 'The customers\' default language (see DeploymentLocale)' }),
  createdAt: DateTime,
});
export const DeploymentCreated = Type.Intersect([
  Deployment,
  Type.Object({ identitySecret: Type.String({ description: 'HS256 secret your backend signs identity tokens with; shown only once' }) }),
]);

// ---- Agent tokens
export const AgentTokenCreate = Type.Object(
  { agentId: ExternalId, conversationId: ExternalId, expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 43200 })) },
  Strict,
);
export const AgentToken = Type.Object({ token: Type.String(), expiresAt: DateTime, consoleUrl: Type.String() });

// ---- Audit
export const AuditEntry = Type.Object({
  at: DateTime,
  kind: StringEnum(['event', 'consent'] as const),
  type: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

// ---- SMS outbox
export const SmsMessage = Type.Object({
  id: Type.String(),
  to: Type.String(),
  body: Type.String(),
  inviteId: Nullable(Type.String()),
  createdAt: DateTime,
});

// ---- API clients (admin CLI shape, also used by the client package's types)
export const ApiClient = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(StringEnum(SCOPES)),
  createdAt: DateTime,
  revokedAt: Nullable(DateTime),
});

export type EventPage = Static<ReturnType<typeof Page<typeof EventSchema>>>;
export type WebhookCreated = Static<typeof WebhookCreated>;
export type WebhookDelivery = Static<typeof WebhookDelivery>;
export type Deployment = Static<typeof Deployment>;
export type DeploymentCreated = Static<typeof DeploymentCreated>;
export type AgentToken = Static<typeof AgentToken>;
export type AuditEntry = Static<typeof AuditEntry>;
export type SmsMessage = Static<typeof SmsMessage>;
export type WebhookCreate = Static<typeof WebhookCreate>;
export type DeploymentCreate = Static<typeof DeploymentCreate>;
export type DeploymentUpdate = Static<typeof DeploymentUpdate>;
export type AgentTokenCreate = Static<typeof AgentTokenCreate>;
