import path from 'node:path';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { openPglite } from '../store/pglite-db.ts';
import { DEFAULT_POSTGRES_TIMEOUTS, openPostgres } from '../store/pg-db.ts';
import type { HealthLog } from '../store/health-monitor.ts';

/** Opens the configured database and brings its schema up to date. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'databaseTimeouts'>>, log?: HealthLog): Promise<Db> {
  const db = config.databaseUrl
    ? await openPostgres(config.databaseUrl, config.databaseTimeouts ?? DEFAULT_POSTGRES_TIMEOUTS, log)
    : await openPglite(path.join(config.dataDir, 'pglite'));
  await migrate(db);
  return db;
}
