import type { Queryable } from './db.ts';

/** Whether the store answers a trivial query now (readiness); rejects with the store's error. */
export async function storeAnswers(q: Queryable): Promise<void> {
  await q.query('SELECT 1');
}
