// PGlite's initdb costs about 5 s of CPU on this project's machines; opening a copy of an
// initialised, empty data directory costs under 1 s. A PGlite test server starts from such a
// copy, made once per PGlite build by whichever test gets there first (the tests then migrate and
// bootstrap it as a real first start would). Anything that goes wrong here means a plain initdb.
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

function templateDir(): string {
  // The package's own version (its package.json is not exported, so found beside its entry).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return path.join(tmpdir(), `tandem-test-pglite-initdb-${pkg.version}`);
}

async function ensureTemplate(dir: string): Promise<void> {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return;
  const building = mkdtempSync(`${dir}.building-`);
  try {
    const pg = await PGlite.create({ dataDir: building });
    await pg.query('SELECT 1');
    await pg.close();
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
