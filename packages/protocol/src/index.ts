// The wire contract of Tandem: shared by the server, the SDK, the agent console and the client.
// Everything the browser bundles use at run time is in ./wire (the `@tandem/protocol/wire` entry, no dependency).
export * from './wire/index.ts';
export { EVENT_TYPES, SESSION_END_REASONS } from './events.ts';
export type { EventPayloadByType, EventType, SessionEndReason, TandemEvent } from './events.ts';
export { EVENT_PAYLOAD_SCHEMAS, eventSchemaOf, webhookBodySchemaOf } from './event-payloads.ts';
export { SCOPES } from './scopes.ts';
export { GenesysLink, GenesysLinkInput, GenesysWidgetGrant } from './genesys-schemas.ts';
export { SUPPORTED_LOCALES, supportedLocale } from './wire/locales.ts';
export type { SupportedLocale } from './wire/locales.ts';
export type { Scope } from './scopes.ts';
export {
  AgentToken, AgentTokenCreate, ApiClient, AuditEntry, CHANNELS, CONVERSATION_STATES, Conversation,
  ConversationUpsert, Customer, Agent, DELIVERY_STATES, Delivery, Deployment, DeploymentCreate, DeploymentUpdate,
  DeploymentCreated, EventSchema, ExternalId, INVITE_STATES, Invite, InviteClaim, InviteCreate, Page,
  ProblemSchema, SESSION_STATES, Session, SessionEnd, SmsMessage, TokenRequest, TokenResponse,
  Webhook, WebhookAttempt, WebhookCreate, WebhookCreated, WebhookDelivery,
} from './api-schemas.ts';
export type { Channel, ConversationState, DeliveryState, EventPage, InviteState } from './api-schemas.ts';
export {
  ConsentShown, VISITOR_ERROR_CODES, VISITOR_MAX_MESSAGE_BYTES, VISITOR_PROTOCOL_VERSION, VisitorClientMessage,
} from './visitor-messages.ts';
export type { PromptInvite, VisitorErrorCode, VisitorServerMessage } from './visitor-messages.ts';
export {
  AgentClientMessage, CaptureClientMessage, ControlCommand, FRAME_COMPRESSED, FRAME_HEADER_BYTES, FRAME_KIND, FRAME_SECOND_STREAM,
  POINTER_BODY_BYTES, RELAY_MAX_FRAME_BYTES, decodeFrameHeader, decodePointer, encodeFrame, encodePointer, frameBody,
  frameKindOf, frameSeqOf,
} from './relay.ts';
export {
  CONSENT_RECEIPT_ALG, CONSENT_RECEIPT_TYPE, CONSENT_RECEIPT_VERSION, ConsentReceipt, ConsentReceiptClaims, ConsentReceiptList, ReceiptShown,
} from './consent-receipt.ts';
export type { AgentServerMessage, AgentView, AgentViewDelivery, CaptureServerMessage, CustomerLink, FrameHeader, FrameKind } from './relay.ts';
