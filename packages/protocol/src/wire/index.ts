/**
 * `@tandem/protocol/wire`: the part of the wire contract a browser bundle needs at run time, with no
 * dependency (no schema library, nothing outside this folder; wire-entry.test.ts keeps it so): close
 * codes, error codes, event names, the binary frame header, short codes and the reconnect schedule.
 * The schemas and message types are in the main entry (`@tandem/protocol`).
 */
export { CloseCode, CLOSE_CODES } from './close-codes.ts';
export type { CloseCodeName } from './close-codes.ts';
export { ERROR_CODES, ERROR_CODE_LIST, PROBLEM_TYPE_BASE, isErrorCode } from './errors.ts';
export type { ErrorCode, Problem } from './errors.ts';
export { VISITOR_ERROR_CODES } from './visitor-error-codes.ts';
export type { VisitorErrorCode } from './visitor-error-codes.ts';
export { EVENT_TYPES, SESSION_END_REASONS } from './event-types.ts';
export type { EventType, SessionEndReason } from './event-types.ts';
export {
  FRAME_COMPRESSED, FRAME_HEADER_BYTES, FRAME_KIND, POINTER_BODY_BYTES, RELAY_MAX_FRAME_BYTES, TOP_LAYER_EVENT,
  decodeFrameHeader, decodePointer, encodeFrame, encodePointer, frameBody,
} from './relay-frame.ts';
export type { FrameHeader, FrameKind, TopLayerState } from './relay-frame.ts';
export { SHORT_CODE_DIGITS, SHORT_CODE_INPUT_PATTERN, groupShortCode, shortCodeDigits } from './short-code.ts';
export { RECONNECT_FIRST_MS, RECONNECT_MAX_MS, reconnectDelay } from './backoff.ts';
