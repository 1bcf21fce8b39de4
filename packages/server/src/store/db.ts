/**
 * The one storage interface: Postgres-dialect SQL with numbered parameters. PGlite (embedded,
 * default) and a Postgres server (DATABASE_URL) both implement it, and one contract suite runs
 * against both.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface TxOptions {
  /** Lifts the statement timeout for this transaction (migrations: index builds, lock waits). */
  unbounded?: boolean;
}

/** Whether the store answers, as this node last saw it (for /readyz and fail-fast queries). */
export interface StoreHealth {
  state: 'up' | 'down';
  /** Why it is down, in words an operator can act on; null when up. */
  reason: string | null;
  /** ISO time of the last change of state; null if it never changed. */
  since: string | null;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; rolls back if it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>, opts?: TxOptions): Promise<T>;
  health(): StoreHealth;
  close(): Promise<void>;
}
