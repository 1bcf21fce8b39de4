// Bundles the agent console into packages/agent/dist (served by the Tandem server at /agent/*):
//   console.html        the standalone page (/console) from public/console.html, with its very
//                       first script inline (console-boot.ts, run while the page parses: it opens
//                       the console's socket, token in the handshake) and that script's hash in
//                       its policy; console-page.json holds the policy for the server's header
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
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CONSOLE_LOCALES } from './src/console-locale.ts';
import { writeWhole } from '../../scripts/write-whole.ts';

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
  write: false,
};

/** Builds (`write: false` in common) and replaces each output whole (scripts/write-whole.ts). */
async function buildWhole(options: BuildOptions): Promise<Awaited<ReturnType<typeof build>>> {
  const result = await build(options);
  await writeWhole(result.outputFiles!);
  return result;
}

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
  const result = await buildWhole({
    ...common,
    entryPoints: { 'console-link': join(packageDir, 'src/console-link.ts'), console: join(packageDir, 'src/console-page.ts') },
    outdir: agentDistDir,
    splitting: true,
    entryNames: '[name]',
    chunkNames: PAGE_SHARED_CHUNK,
    metafile: true,
  });
  return Object.keys(result.metafile!.outputs).filter((f) => f.endsWith('.js')).map((f) => resolve(f));
}

// Where the page's first script goes, and the policy line that must allow it (public/console.html).
const BOOT_SLOT = '<script data-tandem-boot></script>';
const SCRIPT_SRC = "script-src 'self'";

/**
 * The standalone page with its first script inline: a classic script that runs where it stands,
 * while the page parses, with no request of its own (as a separate file it opened the socket
 * 60-90 ms later, waiting for its own fetch). The page's policy allows exactly this script, by
 * its hash; nothing else inline runs.
 */
async function buildConsolePage(): Promise<string> {
  const result = await build({ ...common, format: 'iife', sourcemap: false, entryPoints: [join(packageDir, 'src/console-boot.ts')], outfile: 'boot.js' });
  const boot = result.outputFiles![0]!.text.trim();
  // Inside a <script> element, `</script` ends it early and `<script` after a `<!--` keeps the
  // element open past its end tag (HTML's script data states). Without any `<script`, a `<!--`
  // (the picture writes comments as markup) is harmless: esbuild writes `</script` in strings as `<\/script`.
  if (/<\/?script/i.test(boot)) throw new Error('console-boot.ts built to text that cannot stand inside a <script> element');
  const hash = `'sha256-${createHash('sha256').update(boot).digest('base64')}'`;
  const template = await readFile(join(agentPublicDir, 'console.html'), 'utf8');
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(template)?.[1];
  if (!template.includes(BOOT_SLOT) || !policy?.includes(SCRIPT_SRC)) {
    throw new Error(`public/console.html needs ${BOOT_SLOT} and a policy with ${SCRIPT_SRC}`);
  }
  const csp = policy.replace(SCRIPT_SRC, `${SCRIPT_SRC} ${hash}`);
  // Functions, not strings, as replacements: minified code may hold `$&` or `$'`, which a string
  // replacement would expand, and the page would then carry a script its hash does not allow.
  const html = template.replace(policy, () => csp).replace(BOOT_SLOT, () => `<script>${boot}</script>`);
  const file = join(agentDistDir, 'console.html');
  await writeWhole([
    { path: file, contents: html },
    { path: join(agentDistDir, 'console-page.json'), contents: `${JSON.stringify({ contentSecurityPolicy: csp })}\n` },
  ]);
  return file;
}

async function buildElement(): Promise<string> {
  const file = join(agentDistDir, 'tandem-console.js');
  await buildWhole({ ...common, entryPoints: [join(packageDir, 'src/tandem-console.ts')], outfile: file });
  return file;
}

async function buildLocales(): Promise<string[]> {
  const langs = CONSOLE_LOCALES.filter((lang) => lang !== 'en');
  await buildWhole({
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
  const files = [await buildConsolePage(), ...(await buildPage()), await buildElement(), ...(await buildLocales())];
  return Promise.all(files.map(measure));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const bundle of await buildAgent()) {
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(`${relative(process.cwd(), bundle.file)}  ${kb(bundle.bytes)} KB, ${kb(bundle.gzipBytes)} KB gzipped`);
  }
}
