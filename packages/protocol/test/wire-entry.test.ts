// `@tandem/protocol/wire` is what the browser bundles load at run time: it must stay free of
// dependencies. Every module in src/wire may import only its siblings (type-only imports included,
// since they still make a reader install the package), and the package's `./wire` export must
// name that folder's entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { CLOSE_CODES, CloseCode, type CloseCodeName } from '../src/wire/index.ts';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const wireDir = join(packageDir, 'src', 'wire');

/** Every specifier a module names: imports, re-exports, `import type`, dynamic import(), require(). */
function specifiersOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** What is wrong with one module's imports: anything that is not a sibling in the wire folder. */
function foreignImports(file: string, source: string): string[] {
  return specifiersOf(source).filter((specifier) => {
    if (!specifier.startsWith('./')) return true;
    const target = resolve(dirname(file), specifier);
    return dirname(target) !== wireDir || !existsSync(target);
  });
}

const wireModules = readdirSync(wireDir).filter((name) => name.endsWith('.ts')).map((name) => join(wireDir, name));

test('every module of the wire entry imports only its siblings in src/wire', () => {
  assert.ok(wireModules.length >= 2, 'src/wire has its modules');
  const offenders = wireModules.flatMap((file) =>
    foreignImports(file, readFileSync(file, 'utf8')).map((specifier) => `${relative(packageDir, file)} imports ${specifier}`));
  assert.deepEqual(offenders, []);
});

test('the check catches a schema library, a Node built-in or a module outside the folder, type-only or not', () => {
  const file = join(wireDir, 'close-codes.ts');
  assert.deepEqual(foreignImports(file, "import { Type } from '@sinclair/typebox';"), ['@sinclair/typebox']);
  assert.deepEqual(foreignImports(file, "import type { Static } from '@sinclair/typebox';"), ['@sinclair/typebox']);
  assert.deepEqual(foreignImports(file, "export { Type } from '@sinclair/typebox';"), ['@sinclair/typebox']);
  assert.deepEqual(foreignImports(file, "const z = await import('node:zlib');"), ['node:zlib']);
  assert.deepEqual(foreignImports(file, "import { AgentClientMessage } from '../relay.ts';"), ['../relay.ts']);
  assert.deepEqual(foreignImports(file, "import { x } from './no-such-module.ts';"), ['./no-such-module.ts']);
  assert.deepEqual(foreignImports(file, "import { ERROR_CODES } from './errors.ts';"), []);
});

test('the package exports the wire folder as ./wire, and every module in it is reachable from its entry', () => {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports: Record<string, string> };
  const entry = join(packageDir, manifest.exports['./wire'] ?? '');
  assert.equal(entry, join(wireDir, 'index.ts'));
  const reached = new Set<string>();
  const visit = (file: string): void => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) visit(resolve(dirname(file), specifier));
  };
  visit(entry);
  assert.deepEqual([...reached].sort(), [...wireModules].sort());
});

test('close codes: one number per name, each in the application range or one RFC 6455 defines, each with its reason', () => {
  const codes = Object.values(CLOSE_CODES).map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length, 'no number used twice');
  assert.ok(codes.every((code) => (code >= 4000 && code <= 4999) || [1001, 1011, 1013].includes(code)));
  for (const [name, { code, reason }] of Object.entries(CLOSE_CODES)) {
    assert.equal(CloseCode[name as CloseCodeName], code, name);
    assert.ok(reason.length > 0 && new TextEncoder().encode(reason).byteLength <= 123, `${name}: a reason fits a close frame`);
  }
  assert.deepEqual(Object.keys(CLOSE_CODES), Object.keys(CloseCode).filter((key) => Number.isNaN(Number(key))));
});
