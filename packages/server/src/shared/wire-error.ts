import type { ErrorCode, VisitorErrorCode } from '@tandem/protocol';
import { DomainError, type Refusal } from './domain-error.ts';
import { StoreUnavailableError } from './store-unavailable.ts';

/**
 * Any error thrown while serving a request or a socket message, as the edges see it: an expected
 * refusal from the domain, the store being unreachable, or a fault. Every edge (HTTP problem,
 * agent socket, visitor socket) shapes its reply from this one classification.
 */
export type WireError =
  | { kind: 'domain'; code: ErrorCode; detail: string; extra: Record<string, unknown>; refusal: Refusal | undefined }
  | { kind: 'store_unavailable'; code: 'store_unavailable'; reason: string }
  | { kind: 'internal'; code: 'internal_error' };

export function wireError(err: unknown): WireError {
  if (err instanceof DomainError) return { kind: 'domain', code: err.code, detail: err.detail, extra: err.extra, refusal: err.refusal };
  if (err instanceof StoreUnavailableError) return { kind: 'store_unavailable', code: 'store_unavailable', reason: err.reason };
  return { kind: 'internal', code: 'internal_error' };
}

/** Refusals the visitor protocol names more precisely than the API's error code does. */
const VISITOR_REFUSALS: Record<Refusal, VisitorErrorCode> = {
  link_held_by_another_page: 'link_used_elsewhere',
  invite_for_another_customer: 'invite_not_for_you',
};

/** API codes a page is told as they are; every other failure is "this invite is not available". */
const VISITOR_CODES: Partial<Record<ErrorCode, VisitorErrorCode>> = {
  invite_not_found: 'invite_not_found',
  invalid_code: 'invalid_code',
  rate_limited: 'rate_limited',
  session_not_found: 'session_not_found',
  consent_shown_mismatch: 'consent_shown_mismatch',
};

/** The code a customer's page gets for an error: the visitor protocol has its own, smaller set. */
export function visitorErrorCode(err: WireError): VisitorErrorCode {
  if (err.kind !== 'domain') return 'invite_not_available';
  if (err.refusal) return VISITOR_REFUSALS[err.refusal];
  return VISITOR_CODES[err.code] ?? 'invite_not_available';
}
