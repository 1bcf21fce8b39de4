/**
 * Why a request to Genesys Cloud failed, in our words:
 * - credentials: the OAuth client was refused (wrong region, id or secret, or revoked).
 * - forbidden: signed in, but the client's role lacks a permission (403).
 * - not_found: no such resource (a call Genesys no longer knows, a user).
 * - rate_limited: 429; `retryAfterMs` says how long Genesys asked us to wait.
 * - unavailable / network: passing trouble; worth another try later.
 * - rejected: any other 4xx; the request itself is wrong.
 */
export type GenesysFailure = 'credentials' | 'forbidden' | 'not_found' | 'rate_limited' | 'unavailable' | 'network' | 'rejected';

const PASSING: ReadonlySet<GenesysFailure> = new Set(['rate_limited', 'unavailable', 'network']);

export class GenesysApiError extends Error {
  readonly passing: boolean;
  constructor(
    readonly failure: GenesysFailure,
    message: string,
    readonly status: number | null = null,
    /** Genesys's own error code (e.g. "bad.request"), when the body carried one. */
    readonly genesysCode: string | null = null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GenesysApiError';
    this.passing = PASSING.has(failure);
  }
}

/** Genesys's error body: {message, code, status, contextId, ...}; OAuth errors: {error, description}. */
interface GenesysErrorBody {
  message?: unknown;
  code?: unknown;
  error?: unknown;
  description?: unknown;
  error_description?: unknown;
}

export function genesysErrorFrom(what: string, status: number, body: unknown, retryAfter: string | null): GenesysApiError {
  const b = (body && typeof body === 'object' ? body : {}) as GenesysErrorBody;
  const code = typeof b.code === 'string' ? b.code : typeof b.error === 'string' ? b.error : null;
  const text = [b.message, b.description, b.error_description].find((x): x is string => typeof x === 'string');
  const message = `Genesys ${status}${code ? ` ${code}` : ''} on ${what}${text ? `: ${text}` : ''}`;
  const wait = parseRetryAfter(retryAfter);
  if (status === 401 ||
    (status === 400 && (code === 'invalid_client' || code === 'unauthorized_client'))) return new GenesysApiError('credentials', message, status, code);
  if (status === 403) return new GenesysApiError('forbidden', message, status, code);
  if (status === 404) return new GenesysApiError('not_found', message, status, code);
  if (status === 429) return new GenesysApiError('rate_limited', message, status, code, wait);
  if (status >= 500 || status === 408) return new GenesysApiError('unavailable', message, status, code, wait);
  return new GenesysApiError('rejected', message, status, code);
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function genesysNetworkError(what: string, err: unknown, timeoutMs: number): GenesysApiError {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new GenesysApiError('network', `Genesys did not answer ${what} within ${timeoutMs} ms`);
  return new GenesysApiError('network', `Genesys could not be reached for ${what} (${e.cause?.code ?? e.message})`);
}
