import { ProblemSchema } from '@tandem/protocol';
import type { TSchema } from '@sinclair/typebox';

/** Response schemas for a route: its success bodies plus the problem body for each error status. */
export function responses(success: Record<number, TSchema>, errorStatuses: number[] = []): Record<number, TSchema> {
  const out: Record<number, TSchema> = { ...success };
  for (const s of new Set([400, 401, 403, 429, 500, ...errorStatuses])) out[s] = ProblemSchema;
  return out;
}

