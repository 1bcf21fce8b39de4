/**
 * WebSocket close codes Tandem uses, each with one meaning, never reused. 4000–4999 is the
 * range RFC 6455 leaves to applications. The reason string sent with a close is the `reason`.
 *
 * The numbers alone are the enum CloseCode: the bundler inlines an enum member where it is used,
 * so a browser bundle (the loader has a size budget) carries only the numbers it compares against,
 * not this table nor the reasons, which only the server sends.
 */
export enum CloseCode {
  MALFORMED_MESSAGE = 4001,
  MESSAGE_TOO_LARGE = 4002,
  ORIGIN_NOT_ALLOWED = 4003,
  UNKNOWN_DEPLOYMENT = 4004,
  PROTOCOL_VIOLATION = 4005,
  RATE_LIMITED = 4006,
  SESSION_ENDED = 4007,
  UNAUTHORIZED = 4008,
  REPLACED = 4009,
  CALL_ENDED = 4010,
  BYTE_RATE_EXCEEDED = 4011,
  TOO_FAR_BEHIND = 4012,
  TOO_MANY_SOCKETS = 4013,
  SERVER_SHUTDOWN = 1001,
  INTERNAL_ERROR = 1011,
  // RFC 6455 "Try Again Later": the database did not answer; clients reconnect as after a drop.
  TRY_AGAIN_LATER = 1013,
}

export type CloseCodeName = keyof typeof CloseCode;

type CloseCodeTable<R extends Record<CloseCodeName, string>> = { readonly [K in CloseCodeName]: { readonly code: (typeof CloseCode)[K];
  readonly reason: R[K] } };

function withReasons<const R extends Record<CloseCodeName, string>>(reasons: R): CloseCodeTable<R> {
  const table: Partial<Record<CloseCodeName, { code: number; reason: string }>> = {};
  for (const name of Object.keys(reasons) as CloseCodeName[]) table[name] = { code: CloseCode[name], reason: reasons[name] };
  return table as CloseCodeTable<R>;
}

/** Each close code with the reason sent along with it. */
export const CLOSE_CODES = /* @__PURE__ */ withReasons({
  MALFORMED_MESSAGE: 'malformed message',
  MESSAGE_TOO_LARGE: 'message too large',
  ORIGIN_NOT_ALLOWED: 'origin not allowed for this deployment',
  UNKNOWN_DEPLOYMENT: 'unknown deployment key',
  PROTOCOL_VIOLATION: 'message out of order',
  RATE_LIMITED: 'too many messages',
  SESSION_ENDED: 'session ended',
  UNAUTHORIZED: 'token missing, invalid or expired',
  REPLACED: 'replaced by a newer connection',
  CALL_ENDED: 'the call has ended',
  BYTE_RATE_EXCEEDED: 'too many bytes per second for this session',
  TOO_FAR_BEHIND: 'not reading: too much waiting to be sent',
  TOO_MANY_SOCKETS: 'too many sockets from this address',
  SERVER_SHUTDOWN: 'server shutting down',
  INTERNAL_ERROR: 'internal error',
  TRY_AGAIN_LATER: 'database unavailable: reconnect shortly',
});
