import { ERROR_CODES, type ErrorCode } from '@tandem/protocol';

/**
 * An expected failure with a stable code. Thrown anywhere in the domain, mapped to an
 * application/problem+json response once, at the HTTP edge (or to a visitor `error` message).
 */
export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string = ERROR_CODES[code].detail,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = 'DomainError';
    this.status = ERROR_CODES[code].status;
  }
}
