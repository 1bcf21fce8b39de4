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
  BYTE_RATE_EXCEEDED: { code: 4011, reason: 'too many bytes per second for this session' },
  TOO_FAR_BEHIND: { code: 4012, reason: 'not reading: too much waiting to be sent' },
  TOO_MANY_SOCKETS: { code: 4013, reason: 'too many sockets from this address' },
  SERVER_SHUTDOWN: { code: 1001, reason: 'server shutting down' },
  INTERNAL_ERROR: { code: 1011, reason: 'internal error' },
  // RFC 6455 "Try Again Later": the database did not answer; clients reconnect as after a drop.
  TRY_AGAIN_LATER: { code: 1013, reason: 'database unavailable: reconnect shortly' },
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
