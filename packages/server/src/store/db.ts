/**
 * The one storage interface: Postgres-dialect SQL with numbered parameters. PGlite (embedded,
 * default) and a Postgres server (DATABASE_URL) both implement it, and one contract suite runs
 * against both.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; rolls back if it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
