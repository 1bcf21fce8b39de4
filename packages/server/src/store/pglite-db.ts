import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';

/** Embedded Postgres (WASM) persisted in a directory, or in memory when dir is null. */
export async function openPglite(dir: string | null): Promise<Db> {
  if (dir) mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir ? { dataDir: dir } : {});
  // PGlite runs one query at a time; transactions hold it exclusively, so a chain keeps
  // non-transactional queries from interleaving with an open transaction's statements.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  return {
    kind: 'pglite',
    query: <T>(sql: string, params: unknown[] = []) => serial(async () => (await pg.query<T>(sql, params)).rows),
    tx: <T>(fn: (q: Queryable) => Promise<T>) =>
      serial(() =>
        pg.transaction(async (t) => {
          const q: Queryable = { query: async <R>(sql: string, params: unknown[] = []) => (await t.query<R>(sql, params)).rows };
          return fn(q);
        }),
      ),
    // In the process: it cannot be unreachable while the process runs.
    health: () => ({ state: 'up', reason: null, since: null }),
    close: () => pg.close(),
  };
}
