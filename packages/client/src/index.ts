// Typed client for company backends: auth, conversations, invites, sessions, events, webhooks.
export { TandemClient } from './tandem-client.ts';
export type { TandemClientOptions } from './tandem-client.ts';
export { TandemApiError, TandemConnectionError, TandemError, TandemTimeoutError, isTandemApiError } from './tandem-error.ts';
export { FetchTransport } from './http-transport.ts';
export type { FetchFunction, HttpRequest, HttpTransport } from './http-transport.ts';
export { paginate } from './paginate.ts';
export type { CursorPage } from './paginate.ts';
export type { IdempotentRequestOptions, RequestOptions } from './api-requester.ts';
export type { EventStreamOptions, ReconnectPolicy } from './event-stream.ts';
export type { WaitForOptions } from './wait-for.ts';
export type { EventListParams } from './resources/events.ts';
export type { InviteClaimBody } from './resources/invites.ts';
export type { SessionEndBody, SessionListParams } from './resources/sessions.ts';
export type { Webhook } from './resources/webhooks.ts';
export type {
  AgentToken, AuditEntry, Conversation, ConversationUpsert, Deployment, DeploymentCreated, ErrorCode, EventType,
  Invite, InviteCreate, Problem, Scope, Session, SmsMessage, TandemEvent, WebhookCreated, WebhookDelivery,
} from '@tandem/protocol';
