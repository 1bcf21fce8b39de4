// Bundles the agent console into packages/agent/dist (served by the Tandem server at /agent/*):
//   console-boot.js     the standalone page's very first script (classic, run while the page
//                       parses): opens the console's socket, token in the handshake (console-boot.ts)
//   console-link.js     the standalone page's (/console) first script: opens the console's link
//                       to Tandem while the browser is still loading console.js (early-link.ts)
//   console.js          the standalone page itself, which mounts <tandem-console> full-page; it
//                       shares console-shared.js (the link's code) with console-link.js
//   tandem-console.js   the element alone, for an agent desktop to embed: it imports
//                       { defineTandemConsole, TandemConsole } and calls defineTandemConsole()
//   console-locale-xx.js the console's words in one language (not English, which is inline),
//                       fetched next to whichever of the bundles above is running
// and prints gzipped sizes. Run: npx tsx packages/agent/build.ts
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CONSOLE_LOCALES } from './src/console-locale.ts';

const packageDir = dirname(fileURLToPath(import.meta.url));
export const agentDistDir = join(packageDir, 'dist');
export const agentPublicDir = join(packageDir, 'public');

// The page preloads this chunk by name (public/console.html): one fixed name, no content hash
// (the server sends every bundle with no-cache). Two entries share exactly one chunk; should a
// change ever make esbuild split out a second one, the build fails on the name clash.
const PAGE_SHARED_CHUNK = 'console-shared';

// The console takes from the protocol only `@tandem/protocol/wire` (no dependency) and types: should
// a value import of the main entry (schemas, TypeBox) ever slip in, the build fails.
const wireOnly: Plugin = {
  name: 'protocol-wire-only',
  setup(b) {
    b.onResolve({ filter: /^@sinclair\/typebox$/ }, (args) => ({
      errors: [{ text: `${args.importer} pulls in the schema library: import from @tandem/protocol/wire instead` }],
    }));
  },
};

const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome105', 'firefox110', 'safari16.4'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [wireOnly],
};

export interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
}

async function measure(file: string): Promise<BuiltBundle> {
  const code = await readFile(file);
  return { file, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

/** The page's two entries share their common code through a chunk: one link, one module. */
async function buildPage(): Promise<string[]> {
  const result = await build({
    ...common,
    entryPoints: { 'console-link': join(packageDir, 'src/console-link.ts'), console: join(packageDir, 'src/console-page.ts') },
    outdir: agentDistDir,
    splitting: true,
    entryNames: '[name]',
    chunkNames: PAGE_SHARED_CHUNK,
    metafile: true,
  });
  return Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).map((f) => resolve(f));
}

/** A classic script, not a module: it runs where it stands in the page, before the page has parsed. */
async function buildBoot(): Promise<string> {
  const file = join(agentDistDir, 'console-boot.js');
  await build({ ...common, format: 'iife', entryPoints: [join(packageDir, 'src/console-boot.ts')], outfile: file });
  return file;
}

async function buildElement(): Promise<string> {
  const file = join(agentDistDir, 'tandem-console.js');
  await build({ ...common, entryPoints: [join(packageDir, 'src/tandem-console.ts')], outfile: file });
  return file;
}

async function buildLocales(): Promise<string[]> {
  const langs = CONSOLE_LOCALES.filter((lang) => lang !== 'en');
  await build({
    ...common,
    sourcemap: false,
    // Words as they are, not \u escapes: a third of the size for Arabic, Hebrew and Japanese.
    charset: 'utf8',
    entryPoints: Object.fromEntries(langs.map((lang) => [`console-locale-${lang}`, join(packageDir, `src/locales/${lang}.ts`)])),
    outdir: agentDistDir,
    entryNames: '[name]',
  });
  return langs.map((lang) => join(agentDistDir, `console-locale-${lang}.js`));
}

export async function buildAgent(): Promise<BuiltBundle[]> {
  const files = [await buildBoot(), ...(await buildPage()), await buildElement(), ...(await buildLocales())];
  return Promise.all(files.map(measure));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const bundle of await buildAgent()) {
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(`${relative(process.cwd(), bundle.file)}  ${kb(bundle.bytes)} KB, ${kb(bundle.gzipBytes)} KB gzipped`);
  }
}
