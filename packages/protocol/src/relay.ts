/**
 * The live relay between the customer's page (capture socket, `/v1/capture`) and the agent
 * console (agent socket, `/v1/agent`).
 *
 * Page stream frames are BINARY: a 5-byte header the relay routes on, and an opaque body it never
 * parses. Everything else is small JSON text, schema-checked by the server. The first text message
 * on either socket is `auth`; nothing else is accepted before it.
 *
 *   byte 0      frame kind (low 6 bits) | 0x80 when the body is compressed: the next piece of one of the
 *               page's raw-deflate streams, which each snapshot frame starts afresh (see frame-stream.ts)
 *               | 0x40 on a compressed delta of the page's second stream (small deltas, compressed at once)
 *   bytes 1..4  per-session sequence number, unsigned big-endian (pointer frames carry 0: they are not sequenced)
 *   bytes 5..   body: UTF-8 JSON, an array of rrweb events (snapshot, delta); pointer: page x, y as two
 *               int32 big-endian (8 bytes, the most frequent frame kept as small as it can be)
 *
 * Limits (the server closes the page's socket with the named close code): a pointer body that is
 * not exactly 8 bytes (MALFORMED_MESSAGE); a frame over RELAY_MAX_FRAME_BYTES; a session's bytes
 * per second over its budget, every frame and message counted (BYTE_RATE_EXCEEDED). Pointer
 * frames are latest-wins: an agent that is behind gets only the newest once it catches up.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Channel, DeliveryState, InviteState } from './api-schemas.ts';
import type { SessionEndReason } from './events.ts';

export { FRAME_COMPRESSED, FRAME_HEADER_BYTES, FRAME_KIND, FRAME_SECOND_STREAM, POINTER_BODY_BYTES, RELAY_MAX_FRAME_BYTES, decodeFrameHeader,
  decodePointer, encodeFrame, encodePointer, frameBody, frameKindOf, frameSeqOf } from './wire/relay-frame.ts';
export type { FrameHeader, FrameKind } from './wire/relay-frame.ts';

const Strict = { additionalProperties: false } as const;

// ---- Capture socket: customer's page -> server
export const CaptureClientMessage = Type.Union([
  Type.Object({ type: Type.Literal('auth'), token: Type.String({ maxLength: 4096 }), resume: Type.Optional(Type.Boolean()) }, Strict),
  /** Result of an agent's control command, by command id. */
  Type.Object({ type: Type.Literal('control.result'), id: Type.Integer({ minimum: 0 }), ok: Type.Boolean(),
    error: Type.Optional(Type.String({ maxLength: 200 })) }, Strict),
]);
export type CaptureClientMessage = Static<typeof CaptureClientMessage>;

/** An agent's control command as the customer's page executes it. Targets are rrweb node ids. */
export const ControlCommand = Type.Union([
  Type.Object({ action: Type.Literal('click'), nodeId: Type.Integer({ minimum: 0 }), x: Type.Optional(Type.Number()), y: Type.Optional(Type.Number()) },
    Strict),
  Type.Object({ action: Type.Literal('type'), nodeId: Type.Integer({ minimum: 0 }), text: Type.String({ maxLength: 2000 }) }, Strict),
  Type.Object({ action: Type.Literal('key'), nodeId: Type.Integer({ minimum: 0 }), key: Type.String({ maxLength: 32 }) }, Strict),
  Type.Object({ action: Type.Literal('scroll'), x: Type.Number(), y: Type.Number(), nodeId: Type.Optional(Type.Integer({ minimum: 0 })) }, Strict),
]);
export type ControlCommand = Static<typeof ControlCommand>;

export type CaptureServerMessage =
  | { type: 'ready'; sessionId: string; agentName: string; control: boolean }
  /** Send a full snapshot now: an agent joined or fell behind, or the buffer was reset. */
  | { type: 'snapshot.request'; reason: 'agent_joined' | 'agent_gap' | 'agent_drift' | 'buffer_full' | 'resume' | 'checkpoint' }
  | { type: 'agent.pointer'; x: number; y: number; visible: boolean }
  | { type: 'agent.highlight'; nodeId: number | null }
  | { type: 'agent.presence'; agents: number }
  | { type: 'control.request' }
  | { type: 'control.command'; id: number; command: ControlCommand }
  | { type: 'control.state'; control: boolean }
  | { type: 'session.ended'; reason: string };

// ---- Agent socket: agent console -> server
export const AgentClientMessage = Type.Union([
  Type.Object({ type: Type.Literal('auth'), token: Type.String({ maxLength: 4096 }) }, Strict),
  Type.Object({ type: Type.Literal('invite.create'),
    channels: Type.Optional(Type.Array(Type.Union([Type.Literal('push'), Type.Literal('sms'), Type.Literal('code')]), { minItems: 1, maxItems: 3 })) }, Strict),
  Type.Object({ type: Type.Literal('code.claim'), code: Type.String({ maxLength: 24 }) }, Strict),
  Type.Object({ type: Type.Literal('pointer'), x: Type.Number(), y: Type.Number(), visible: Type.Boolean() }, Strict),
  Type.Object({ type: Type.Literal('highlight'), nodeId: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]) }, Strict),
  /** `drift`: the replica's tree checksum differs from the page's; the page is asked for a fresh snapshot. */
  Type.Object({ type: Type.Literal('snapshot.request'), reason: Type.Union([Type.Literal('agent_gap'), Type.Literal('agent_joined'), Type.Literal('drift')]) },
    Strict),
  Type.Object({ type: Type.Literal('control.request') }, Strict),
  Type.Object({ type: Type.Literal('control.command'), id: Type.Integer({ minimum: 0 }), command: ControlCommand }, Strict),
  Type.Object({ type: Type.Literal('session.end') }, Strict),
]);
export type AgentClientMessage = Static<typeof AgentClientMessage>;

export type CustomerLink = 'connected' | 'reconnecting' | 'gone';

/** What an agent needs to know about the call at any moment. */
export interface AgentViewDelivery {
  channel: Channel;
  state: DeliveryState;
  detail?: string;
}

export interface AgentView {
  conversationId: string;
  conversationState: 'dialing' | 'connected' | 'disconnected';
  customerName: string | null;
  agentName: string | null;
  invite: { id: string; state: InviteState; code: string; phrase: string; expiresAt: string; deliveries: AgentViewDelivery[] } | null;
  session: { id: string; state: 'active' | 'ended'; control: boolean; endReason: SessionEndReason | null } | null;
  customerLink: CustomerLink | null;
}

export type AgentServerMessage =
  | { type: 'ready'; agentId: string; view: AgentView }
  | { type: 'view'; view: AgentView }
  /** A Tandem event of this conversation, for the console's timeline. */
  | { type: 'event'; event: { seq: number; type: string; occurredAt: string; data: Record<string, unknown> } }
  | { type: 'customer.link'; state: CustomerLink }
  | { type: 'control.result'; id: number; ok: boolean; error?: string }
  | { type: 'error'; code: string; message: string };
