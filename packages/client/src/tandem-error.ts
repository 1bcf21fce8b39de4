import { isErrorCode, type ErrorCode, type Problem } from '@tandem/protocol/wire';

/** Base of every error this client throws, so callers can catch ours apart from their own. */
export class TandemError extends Error {
  override name = 'TandemError';
}

/** The server answered with an error response; `code` is the stable machine code to branch on. */
export class TandemApiError extends TandemError {
  override name = 'TandemApiError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying, from the Retry-After header (429 and 503). */
  readonly retryAfter: number | undefined;
  /** The problem document as received, with its extensions (`errors`, `requiredScope`, ...). */
  readonly body: Problem;

  constructor(body: Problem, retryAfter: number | undefined) {
    super(`${body.title}: ${body.detail}${body.requestId ? ` (request ${body.requestId})` : ''}`);
    this.code = body.code;
    this.status = body.status;
    this.title = body.title;
    this.detail = body.detail;
    this.requestId = body.requestId;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

/** The request may not have reached the server: network failure, reset or request timeout. */
export class TandemConnectionError extends TandemError {
  override name = 'TandemConnectionError';
}

/** `waitFor` gave up: no matching event arrived in time. */
export class TandemTimeoutError extends TandemError {
  override name = 'TandemTimeoutError';
}

export function isTandemApiError<C extends ErrorCode>(error: unknown, code?: C): error is TandemApiError & { code: C } {
  return error instanceof TandemApiError && (code === undefined || error.code === code);
}

/**
 * Codes for responses that carry no Tandem problem document, such as a proxy's HTML error page.
 * Only statuses with one unambiguous generic meaning are listed; the rest become internal_error.
 */
const FALLBACK_CODES: Partial<Record<number, ErrorCode>> = {
  404: 'route_not_found',
  405: 'method_not_allowed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'not_ready',
};

/** The one place an error response becomes an error value. */
export function errorFromResponse(status: number, headers: Headers, bodyText: string): TandemApiError {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  const parsed = parseJson(bodyText);
  const requestId = headers.get('x-request-id') ?? undefined;
  if (isProblem(parsed) && isErrorCode(parsed.code)) {
    return new TandemApiError({ ...parsed, requestId: parsed.requestId ?? requestId }, retryAfter);
  }
  // Anything else still becomes the same error class, so callers need one catch: a proxy's HTML
  // page keeps its text in `detail`; a newer server's code this client does not know keeps its
  // words, with that code in `body.receivedCode`.
  const code = FALLBACK_CODES[status] ?? 'internal_error';
  const problem: Problem = isProblem(parsed)
    ? { ...parsed, code, receivedCode: parsed.code, requestId: parsed.requestId ?? requestId }
    : { type: 'about:blank', code, status, title: `Unexpected ${status} response`, detail: bodyText.slice(0, 500), requestId };
  return new TandemApiError(problem, retryAfter);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.status === 'number' && typeof v.title === 'string' && typeof v.detail === 'string';
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); both become seconds. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
