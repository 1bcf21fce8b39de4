import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layering rule of packages/server/src (README, "Architecture"), checked on every import.
 * A folder may import only the folders listed for it; the lists form no cycle. Root files:
 * config.ts gathers the settings parsers of channels/ and integrations/, so only wiring/ and the
 * edges read it (the domain names its DomainSettings); app.ts, cli.ts, index.ts and
 * receipts-command.ts wire everything and nothing imports them. Tests may import across layers.
 */
const SRC = path.resolve(import.meta.dirname, '../src');
export const ALLOWED: Record<string, readonly string[]> = {
  shared: [],
  store: ['shared'],
  bus: ['shared'],
  events: ['shared', 'store', 'bus'],
  auth: ['shared', 'store'],
  domain: ['shared', 'store', 'bus', 'events'],
  channels: ['shared', 'store', 'events', 'domain'],
  integrations: ['shared', 'store', 'auth', 'domain', 'channels'],
  config: ['shared', 'store', 'channels', 'integrations'],
  wiring: ['shared', 'store', 'bus', 'events', 'auth', 'domain', 'channels', 'integrations', 'config'],
  api: ['shared', 'events', 'auth', 'domain', 'integrations', 'config', 'wiring'],
  realtime: ['shared', 'bus', 'events', 'auth', 'domain', 'config', 'wiring'],
  cluster: ['shared', 'bus', 'domain', 'realtime'],
  main: ['shared', 'store', 'bus', 'events', 'auth', 'domain', 'channels', 'integrations', 'config', 'wiring', 'api', 'realtime', 'cluster'],
};

/** Imports that may bring types only: the channels implement ports the domain owns (DeliveryChannel, Presence). */
const TYPES_ONLY = new Set(['channels>domain']);

/** Where SQL may run: the modules that own tables. The edges (api/, realtime/), wiring/ and app.ts ask the domain. */
const SQL_ALLOWED = [/^store\//, /^domain\//, /^auth\//, /^events\//, /^channels\/sms-outbox\.ts$/, /^integrations\/[^/]+\/[^/]+-store\.ts$/];
// A query or transaction call on a Db/Queryable, or a string that starts with an SQL statement.
const RUNS_SQL = /\.(query|tx)\s*(<[^>()]*>)?\s*\(|['"`]\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH)\s/;

// `s.db` passed on (listEvents(s.db, ...)) or queried; `s.db.health()` and `s.db.kind` are fine.
const TOUCHES_DB = /\.db\b(?!\.(health|kind)\b)/;

export function layerOf(rel: string): string {
  const top = rel.split('/')[0]!;
  if (top === rel) return rel === 'config.ts' ? 'config' : 'main';
  return top;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(SRC, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/** Every folder-to-folder import inside src, read with the compiler's own import scanner. */
export function folderImports(files: string[], read: (rel: string) => string): { from: string; to: string; file: string; spec: string; typeOnly: boolean }[] {
  const edges = [];
  for (const file of files) {
    const text = read(file);
    for (const { fileName: spec, pos } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!spec.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (target.startsWith('..')) continue; // outside src (a test reading another package)
      const from = layerOf(file);
      const to = layerOf(target);
      const statement = text.slice(Math.max(text.lastIndexOf('import', pos), text.lastIndexOf('export', pos)), pos);
      if (from !== to) edges.push({ from, to, file, spec, typeOnly: /^(import|export)\s+type\s/.test(statement) });
    }
  }
  return edges;
}

export function cycles(edges: { from: string; to: string }[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const found = new Map<string, string[]>();
  const walk = (node: string, trail: string[]) => {
    for (const to of next.get(node) ?? []) {
      const at = trail.indexOf(to);
      if (at < 0) {
        walk(to, [...trail, to]);
        continue;
      }
      const key = [...trail.slice(at)].sort().join(); // each cycle once, whichever folder it was met from
      if (!found.has(key)) found.set(key, [...trail.slice(at), to]);
    }
  };
  for (const start of next.keys()) walk(start, [start]);
  return [...found.values()];
}

const files = sourceFiles(SRC).filter((f) => !f.endsWith('.test.ts'));
const read = (rel: string) => readFileSync(path.join(SRC, rel), 'utf8');

test('every import in packages/server/src follows the layering table', () => {
  const bad = folderImports(files, read).filter((e) => !ALLOWED[e.from]?.includes(e.to) || (TYPES_ONLY.has(`${e.from}>${e.to}`) && !e.typeOnly));
  assert.deepEqual(bad.map((e) => `${e.file} (${e.from}) imports ${e.spec} (${e.to})${e.typeOnly ? '' : ' (a value)'}`), []);
});

test('the folders import one another in no cycle', () => {
  assert.deepEqual(cycles(folderImports(files, read)), []);
  assert.deepEqual(cycles(Object.entries(ALLOWED).flatMap(([from, tos]) => tos.filter((to) => to !== from).map((to) => ({ from, to })))), []);
});

test('SQL runs only in store/, domain/, auth/, events/ and the named table modules', () => {
  const running = files.filter((f) => RUNS_SQL.test(read(f)));
  assert.deepEqual(running.filter((f) => !SQL_ALLOWED.some((r) => r.test(f))), []);
  assert.ok(running.length > 10, `the SQL detector found only ${running.length} files: it no longer recognises queries`);
});

test('api/ and realtime/ hand the database to nobody: they read only its health and kind', () => {
  const edges = files.filter((f) => /^(api|realtime)\//.test(f));
  assert.deepEqual(edges.filter((f) => TOUCHES_DB.test(read(f))), []);
});

test('the checks catch a violating import, a cycle and SQL at the edge', () => {
  const fake: Record<string, string> = {
    'domain/x.ts': "import { y } from '../realtime/y.ts';",
    'realtime/y.ts': "import type { x } from '../domain/x.ts';",
    'channels/z.ts': "import type { Presence } from '../domain/presence.ts';\nexport { newId } from '../domain/ids.ts';",
  };
  const edges = folderImports(Object.keys(fake), (f) => fake[f]!);
  assert.deepEqual(edges.filter((e) => !ALLOWED[e.from]?.includes(e.to)).map((e) => e.file), ['domain/x.ts']);
  assert.deepEqual(edges.filter((e) => e.file === 'channels/z.ts').map((e) => e.typeOnly), [true, false]);
  assert.deepEqual(cycles(edges)[0], ['domain', 'realtime', 'domain']);
  assert.ok(RUNS_SQL.test("await this.s.db.query('SELECT agent_name FROM invites')"));
  assert.ok(!RUNS_SQL.test('const q = req.query as Record<string, string>;'));
  assert.ok(TOUCHES_DB.test('await listEvents(this.s.db, orgId, {})') && !TOUCHES_DB.test("s.db.health().state === 'up'"));
});
