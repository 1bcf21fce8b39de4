/**
 * The store could not be reached or did not answer in time: a connection refused, reset or
 * terminated by the server, a timeout, or a server shutting down. The API answers 503
 * store_unavailable with Retry-After; the request may be retried (with its Idempotency-Key).
 */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`the database is unavailable: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }
}

// Node socket errors that mean the server is gone or unreachable.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATEs of a server that is going away, starting, overloaded or cancelled our statement on timeout.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '25P03']);
// pg reports its own timeouts and dead sockets with plain messages only.
const PG_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /^timeout expired/, /^Query read timeout/, /is not queryable/,
  /^Client has encountered a connection error/];

/** Whether err says the store is unreachable (rather than that the SQL or the data is wrong). */
export function isStoreUnreachable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return true;
  return PG_MESSAGES.some((re) => re.test(err.message));
}

/** A short, operator-facing reason for an unreachable store. */
export function unreachableReason(err: unknown): string {
  if (err instanceof StoreUnavailableError) return err.reason;
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.code === 'string' && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
