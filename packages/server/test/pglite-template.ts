// PGlite's initdb costs about 5 s of CPU on this project's machines and our migrations another
// 1.4 s; opening a copy of an initialised, migrated, empty data directory costs under 1 s. A
// PGlite test server starts from such a copy, made once per PGlite build and set of migrations by
// whichever test gets there first (the server then finds every migration applied and bootstraps
// it as a real first start would). Anything that goes wrong here means a plain initdb.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../src/store/migrate.ts';
import { openPglite } from '../src/store/pglite-db.ts';

const MIGRATIONS = fileURLToPath(new URL('../src/store/migrations/', import.meta.url));

function templateDir(): string {
  // The package's own version (its package.json is not exported, so found beside its entry).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  // A changed or added migration makes a new template: a stale schema would hide its effects.
  const sum = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS).sort()) sum.update(file).update(readFileSync(path.join(MIGRATIONS, file)));
  return path.join(tmpdir(), `tandem-test-pglite-${pkg.version}-${sum.digest('hex').slice(0, 12)}`);
}

async function ensureTemplate(dir: string): Promise<void> {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return;
  const building = mkdtempSync(`${dir}.building-`);
  try {
    const db = await openPglite(building);
    await migrate(db);
    await db.close();
    // Whole or not at all: another process may have won the race (then this rename fails).
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
}

/** Puts an initialised PGlite data directory at `target` if it can; otherwise leaves it to initdb. */
export async function seedPgliteDir(target: string): Promise<void> {
  try {
    const dir = templateDir();
    await ensureTemplate(dir);
    if (existsSync(path.join(dir, 'PG_VERSION'))) cpSync(dir, target, { recursive: true });
  } catch {
    rmSync(target, { recursive: true, force: true });
  }
}
