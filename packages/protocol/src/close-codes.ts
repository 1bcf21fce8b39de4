/**
 * WebSocket close codes Tandem uses, each with one meaning, never reused. 4000–4999 is the
 * range RFC 6455 leaves to applications. The reason string sent with a close is the `reason`.
 */
export const CLOSE_CODES = {
  MALFORMED_MESSAGE: { code: 4001, reason: 'malformed message' },
  MESSAGE_TOO_LARGE: { code: 4002, reason: 'message too large' },
  ORIGIN_NOT_ALLOWED: { code: 4003, reason: 'origin not allowed for this deployment' },
  UNKNOWN_DEPLOYMENT: { code: 4004, reason: 'unknown deployment key' },
  PROTOCOL_VIOLATION: { code: 4005, reason: 'message out of order' },
  RATE_LIMITED: { code: 4006, reason: 'too many messages' },
  SESSION_ENDED: { code: 4007, reason: 'session ended' },
  UNAUTHORIZED: { code: 4008, reason: 'token missing, invalid or expired' },
  REPLACED: { code: 4009, reason: 'replaced by a newer connection' },
  CALL_ENDED: { code: 4010, reason: 'the call has ended' },
  SERVER_SHUTDOWN: { code: 1001, reason: 'server shutting down' },
  INTERNAL_ERROR: { code: 1011, reason: 'internal error' },
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
