/**
 * The visitor protocol: JSON messages between the SDK in the customer's page and the server's
 * visitor WebSocket (`/v1/visitor?deployment=<key>`). Every message the page sends carries a
 * strictly increasing `seq`; the first must be `hello`. The server answers requests with a
 * message of the same `seq` in `re` (a reply) or an `error`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { VisitorErrorCode } from './wire/visitor-error-codes.ts';

export const VISITOR_PROTOCOL_VERSION = 1;
/** Largest visitor control message the server accepts, in bytes. */
export const VISITOR_MAX_MESSAGE_BYTES = 16 * 1024;

const Seq = Type.Integer({ minimum: 1 });
const Strict = { additionalProperties: false } as const;

/** What the prompt showed the customer when they decided: stored in the consent record. */
export const ConsentShown = Type.Object(
  {
    companyName: Type.String({ maxLength: 200 }),
    agentName: Type.String({ maxLength: 200 }),
    phrase: Type.String({ maxLength: 100 }),
    text: Type.String({ maxLength: 4000 }),
    locale: Type.Optional(Type.String({ maxLength: 35 })),
    /** The version of the prompt's wording. */
    version: Type.Optional(Type.String({ maxLength: 64 })),
    /** The trusted click, by the browser's clock (ISO 8601). */
    clickedAt: Type.Optional(Type.String({ maxLength: 40 })),
  },
  Strict,
);
export type ConsentShown = Static<typeof ConsentShown>;

export const VisitorClientMessage = Type.Union([
  // `url` is the page's address, which older loaders sent: still accepted so that a cached
  // loader keeps working, and ignored. The SDK sends nothing about the page before consent.
  Type.Object({ type: Type.Literal('hello'), seq: Seq, v: Type.Literal(VISITOR_PROTOCOL_VERSION), url: Type.Optional(Type.String({ maxLength: 2048 })),
    pageId: Type.Optional(Type.String({ maxLength: 64 })) }, Strict),
  Type.Object({ type: Type.Literal('identify'), seq: Seq, token: Type.String({ maxLength: 4096 }) }, Strict),
  /** `page`: a random key the page made for itself; the link is bound to the first page that presents it. */
  Type.Object({ type: Type.Literal('link.redeem'), seq: Seq, secret: Type.String({ maxLength: 128 }),
    page: Type.Optional(Type.String({ minLength: 16, maxLength: 64 })) }, Strict),
  Type.Object({ type: Type.Literal('code.enter'), seq: Seq, code: Type.String({ maxLength: 24 }) }, Strict),
  Type.Object({ type: Type.Literal('code.request'), seq: Seq }, Strict),
  Type.Object({ type: Type.Literal('invite.open'), seq: Seq, inviteId: Type.String({ maxLength: 64 }) }, Strict),
  /** The page could not put the prompt on screen (a page that breaks the SDK's UI, a hidden document). */
  Type.Object({ type: Type.Literal('invite.prompt_failed'), seq: Seq, inviteId: Type.String({ maxLength: 64 }),
    reason: Type.Union([Type.Literal('error'), Type.Literal('hidden')]) }, Strict),
  Type.Object({ type: Type.Literal('invite.accept'), seq: Seq, inviteId: Type.String({ maxLength: 64 }), shown: ConsentShown }, Strict),
  Type.Object({ type: Type.Literal('invite.decline'), seq: Seq, inviteId: Type.String({ maxLength: 64 }) }, Strict),
  Type.Object({ type: Type.Literal('control.accept'), seq: Seq, sessionId: Type.String({ maxLength: 64 }), shown: ConsentShown }, Strict),
  Type.Object({ type: Type.Literal('control.revoke'), seq: Seq, sessionId: Type.String({ maxLength: 64 }) }, Strict),
  Type.Object({ type: Type.Literal('control.decline'), seq: Seq, sessionId: Type.String({ maxLength: 64 }) }, Strict),
  /** A reloaded or navigated page that is still sharing proves it holds the session with its capture token. */
  Type.Object({ type: Type.Literal('session.resume'), seq: Seq, captureToken: Type.String({ maxLength: 4096 }) }, Strict),
  Type.Object({ type: Type.Literal('session.stop'), seq: Seq, sessionId: Type.String({ maxLength: 64 }) }, Strict),
  Type.Object({ type: Type.Literal('ping'), seq: Seq }, Strict),
]);
export type VisitorClientMessage = Static<typeof VisitorClientMessage>;

/** The invite as the consent prompt needs it: nothing secret. */
export interface PromptInvite {
  inviteId: string;
  companyName: string;
  agentName: string;
  phrase: string;
  expiresAt: string;
}

export type VisitorServerMessage =
  /** `locale`: the deployment's default language for its customers (PATCH /v1/deployments/{id}), or null. */
  | { type: 'welcome'; re: number; visitorId: string; companyName: string; locale: string | null }
  | { type: 'identified'; re: number; customerId: string }
  | { type: 'invite'; re?: number; invite: PromptInvite }
  | { type: 'invite.withdrawn'; inviteId: string; reason: 'expired' | 'revoked' | 'accepted_elsewhere' | 'declined_elsewhere' }
  | { type: 'code'; re: number; code: string; expiresAt: string }
  | { type: 'session.started'; re?: number; sessionId: string; agentName: string; captureToken: string }
  | { type: 'session.resumed'; re: number; sessionId: string; control: boolean }
  | { type: 'session.ended'; sessionId: string; reason: string }
  | { type: 'control.granted'; re: number; sessionId: string }
  | { type: 'control.revoked'; re?: number; sessionId: string }
  | { type: 'ok'; re: number }
  | { type: 'pong'; re: number }
  | { type: 'error'; re?: number; code: VisitorErrorCode; message: string };

export { VISITOR_ERROR_CODES } from './wire/visitor-error-codes.ts';
export type { VisitorErrorCode } from './wire/visitor-error-codes.ts';
