// The workspace packages' manifests say what the code does: every `exports` target exists, every
// package a workspace's code imports is declared (in that workspace or, for shared tooling, in the
// root's devDependencies), and one workspace depends on another by its exact version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

interface Manifest {
  name: string;
  version: string;
  workspaces?: string[];
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const rootManifest = readManifest(root);
const workspaces = (rootManifest.workspaces ?? []).map((dir) => ({ dir: join(root, dir), manifest: readManifest(join(root, dir)) }));
const versionOf = new Map(workspaces.map((w) => [w.manifest.name, w.manifest.version]));
const declared = (m: Manifest) => ({ ...m.dependencies, ...m.devDependencies });

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`; null for relative paths and Node built-ins. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

test('every exports target of a workspace package exists', () => {
  const missing = workspaces.flatMap(({ dir, manifest }) =>
    Object.entries(manifest.exports ?? {}).filter(([, target]) => !existsSync(join(dir, target))).map(([key, target]) =>
      `${manifest.name} ${key} -> ${target}`));
  assert.deepEqual(missing, []);
});

test('every package a workspace imports is declared by it or, as shared tooling, by the root', () => {
  const tooling = declared(rootManifest);
  const undeclared = new Map<string, string>();
  for (const { dir, manifest } of workspaces) {
    const own = declared(manifest);
    for (const file of sourceFiles(dir)) {
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        const name = packageOf(fileName);
        const key = `${manifest.name} imports ${name}`;
        if (name && name !== manifest.name && !(name in own) && !(name in tooling) && !undeclared.has(key)) undeclared.set(key, relative(root, file));
      }
    }
  }
  assert.deepEqual([...undeclared].map(([key, file]) => `${key} (${file})`), []);
});

test('a workspace depends on another by that one\'s exact version', () => {
  const wrong = workspaces.flatMap(({ manifest }) =>
    Object.entries(declared(manifest))
      .filter(([name, range]) => versionOf.has(name) && range !== versionOf.get(name))
      .map(([name, range]) => `${manifest.name} wants ${name}@${range}, the workspace is ${versionOf.get(name)}`));
  assert.deepEqual(wrong, []);
});
