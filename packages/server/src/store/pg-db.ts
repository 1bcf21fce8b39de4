import pg from 'pg';
import type { Db, Queryable, TxOptions } from './db.ts';
import { HealthMonitor, type HealthLog } from './health-monitor.ts';
import { StoreUnavailableError, isStoreUnreachable, unreachableReason } from '../shared/store-unavailable.ts';

// Return BIGINT (event sequence numbers) and timestamps as the same JS types PGlite gives.
pg.types.setTypeParser(20, (v) => Number(v));

/** How long the pool waits on a Postgres server before it gives up; see the README's Operations. */
export interface PostgresTimeouts {
  /** A new connection, or a free one from the pool. */
  connectMs: number;
  /** One statement: the server cancels it and the client stops waiting (a silent partition). */
  statementMs: number;
  /** An unused pooled connection is closed after this. */
  idleMs: number;
  /** The server ends a transaction left idle this long (its client vanished), releasing its locks. */
  idleInTransactionMs: number;
}

export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = { connectMs: 1000, statementMs: 1500, idleMs: 10_000, idleInTransactionMs: 5000 };

// Unbounded transactions (migrations) still need a number for the client's read timeout.
const UNBOUNDED_MS = 24 * 3600 * 1000;
const PROBE_RETRY_MS = 500;

const silent: HealthLog = { warn: () => undefined, info: () => undefined };

/** A Postgres server reached by DATABASE_URL, through a connection pool. */
export async function openPostgres(url: string, timeouts: PostgresTimeouts = DEFAULT_POSTGRES_TIMEOUTS, log: HealthLog = silent): Promise<Db> {
  const connection = {
    connectionString: url,
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.statementMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // Finds a dead peer on a connection that is neither used nor closed (a failover, a partition).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const pool = new pg.Pool({ ...connection, max: 10, idleTimeoutMillis: timeouts.idleMs });
  // The probe opens a connection of its own: a pooled one may be one the server just killed,
  // which says nothing about whether the server answers.
  const probe = async () => {
    const client = new pg.Client(connection);
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const monitor = new HealthMonitor(probe, log, PROBE_RETRY_MS);
  // An idle pooled connection the server terminated (restart, failover, pg_terminate_backend):
  // the pool drops it by itself. Without this listener the 'error' event ends the process.
  pool.on('error', (err) => {
    log.warn({ err }, 'an idle database connection failed; the pool replaces it');
    monitor.suspect();
  });

  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    monitor.assertUp();
    try {
      return await fn();
    } catch (err) {
      throw monitor.classify(err);
    }
  };

  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw isStoreUnreachable(err) ? new StoreUnavailableError(unreachableReason(err), { cause: err }) : err;
  }
  return {
    kind: 'postgres',
    query: <T>(sql: string, params: unknown[] = []) => guarded(async () => (await pool.query(sql, params)).rows as T[]),
    tx: <T>(fn: (q: Queryable) => Promise<T>, opts: TxOptions = {}) =>
      guarded(async () => {
        const client = await pool.connect();
        // A checked-out connection has no pool listener: a socket that dies between two statements
        // would end the process. The statement in flight gets the error as well.
        let broken: Error | null = null;
        const onError = (err: Error) => {
          broken = err;
        };
        client.on('error', onError);
        const run = async <R>(sql: string, params: unknown[] = []) =>
          (await client.query<R & pg.QueryResultRow>({ text: sql, values: params, ...(opts.unbounded ? { query_timeout: UNBOUNDED_MS } : {}) })).rows as R[];
        let failure: unknown = null;
        try {
          await run('BEGIN');
          if (opts.unbounded) await run('SET LOCAL statement_timeout = 0');
          const result = await fn({ query: run });
          await run('COMMIT');
          return result;
        } catch (err) {
          failure = err;
          // On a dead connection the server rolls back by itself; asking would only wait.
          if (!broken && !isStoreUnreachable(err)) await run('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.off('error', onError);
          // A connection that failed is closed, not handed to the next request.
          const discard = broken ?? (failure !== null && isStoreUnreachable(failure) ? (failure as Error) : undefined);
          client.release(discard);
        }
      }),
    health: () => monitor.health(),
    close: async () => {
      monitor.close();
      await pool.end();
    },
  };
}
