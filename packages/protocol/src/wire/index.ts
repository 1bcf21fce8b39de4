/**
 * `@tandem/protocol/wire`: the part of the wire contract a browser bundle needs at run time, with no
 * dependency (no schema library, nothing outside this folder; wire-entry.test.ts keeps it so): close
 * codes, error codes, event names, the binary frame header and the page stream's custom events, short
 * codes, the element-tree checksum and the reconnect schedule. The schemas and message types are in the
 * main entry (`@tandem/protocol`).
 */
export { CloseCode, CLOSE_CODES } from './close-codes.ts';
export type { CloseCodeName } from './close-codes.ts';
export { ERROR_CODES, ERROR_CODE_LIST, PROBLEM_TYPE_BASE, isErrorCode } from './errors.ts';
export type { ErrorCode, Problem } from './errors.ts';
export { VISITOR_ERROR_CODES } from './visitor-error-codes.ts';
export type { VisitorErrorCode } from './visitor-error-codes.ts';
export { EVENT_TYPES, SESSION_END_REASONS } from './event-types.ts';
export type { EventType, SessionEndReason } from './event-types.ts';
// The frame header and the custom events inside the page stream (top layer, canvas frames).
export * from './relay-frame.ts';
export { SHORT_CODE_DIGITS, SHORT_CODE_INPUT_PATTERN, groupShortCode, shortCodeDigits } from './short-code.ts';
export { RECONNECT_FIRST_MS, RECONNECT_MAX_MS, reconnectDelay } from './backoff.ts';
export * from './tree-checksum.ts';
export * from './locales.ts';
export * from './page-assets.ts';
export { joinChunks, readCapped } from './chunks.ts';
export { AGENT_SUBPROTOCOL, agentSocketProtocols, tokenFromProtocols } from './agent-handshake.ts';
