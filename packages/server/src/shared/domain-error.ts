import { ERROR_CODES, type ErrorCode } from '@tandem/protocol';

/**
 * Which rule refused, where the error code alone does not say it (both are `invalid_state`).
 * The edges decide what each becomes on their wire; the domain names no wire codes.
 */
export type Refusal = 'link_held_by_another_page' | 'invite_for_another_customer';

/**
 * An expected failure with a stable code. Thrown anywhere in the domain, mapped once by
 * the edges (shared/wire-error.ts) to a problem+json response or a socket `error` message.
 */
export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string = ERROR_CODES[code].detail,
    readonly extra: Record<string, unknown> = {},
    readonly refusal?: Refusal,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'DomainError';
    this.status = ERROR_CODES[code].status;
  }
}
