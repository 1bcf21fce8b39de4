// Bundles the browser SDK into packages/sdk/dist and reports gzipped sizes, which are budgets
// (the loader must stay small; capture is loaded only after consent).
// Run: node --import tsx packages/sdk/build.ts
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LOCALES } from './src/loader/locale-choice.ts';
import { rrwebRecordOnly } from './rrweb-record-only.ts';
import { writeWhole } from '../../scripts/write-whole.ts';

const packageDir = dirname(fileURLToPath(import.meta.url));
export const distDir = join(packageDir, 'dist');

interface BundleSpec {
  entry: string;
  outfile: string;
  format: 'esm' | 'iife';
  /** gzipped bytes the bundle may not exceed: the build fails above it */
  budgetGzipBytes?: number;
}

const bundles: BundleSpec[] = [
  // A classic <script async>: it must be tiny, it is on every page of the site.
  { entry: 'src/loader/index.ts', outfile: 'loader.js', format: 'iife', budgetGzipBytes: 8 * 1024 },
  // Fetched by the loader with import() only after the customer's Share.
  // Kept under what rrweb's record alone weighs as a site would bundle it (59.8 KiB), which capture
  // contains: rrweb-record-only.ts leaves out the replayer's CSS parser.
  { entry: 'src/capture/index.ts', outfile: 'capture.js', format: 'esm', budgetGzipBytes: 48 * 1024 },
  // The deltas' deflate stream (pako), run by capture in a Web Worker off the page's main thread.
  { entry: 'src/capture/deflate-worker.ts', outfile: 'deflate-worker.js', format: 'iife' },
  // The same stream's code for small deltas on the page's main thread, imported by capture (delta-frames.ts).
  { entry: 'src/capture/inline-deflate.ts', outfile: 'inline-deflate.js', format: 'esm' },
  // The customer's language, fetched by the loader only when it is not English (inline).
  ...LOCALES.filter((lang) => lang !== 'en').map((lang): BundleSpec =>
    ({ entry: `src/loader/locales/${lang}.ts`, outfile: `locale-${lang}.js`, format: 'esm' })),
];

// The browser takes from the protocol only what `@tandem/protocol/wire` has (no dependency) and
// types; should a value import of the main entry (schemas, TypeBox) ever slip in, the build fails.
const wireOnly: Plugin = {
  name: 'protocol-wire-only',
  setup(b) {
    b.onResolve({ filter: /^@sinclair\/typebox$/ }, (args) => ({
      errors: [{ text: `${args.importer} pulls in the schema library: import from @tandem/protocol/wire instead` }],
    }));
  },
};

export interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export async function buildSdk(): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const spec of bundles) {
    const file = join(distDir, spec.outfile);
    const result = await build({
      entryPoints: [join(packageDir, spec.entry)],
      outfile: file,
      bundle: true,
      format: spec.format,
      platform: 'browser',
      target: ['chrome100', 'firefox100', 'safari15'],
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
      // rrweb's record side only: the CSS parser its replayer needs stays out (rrweb-record-only.ts).
      plugins: [wireOnly, rrwebRecordOnly],
      write: false,
    });
    await writeWhole(result.outputFiles);
    const code = result.outputFiles.find((out) => out.path === file)!.contents;
    const gzipBytes = gzipSync(code, { level: 9 }).byteLength;
    if (spec.budgetGzipBytes !== undefined && gzipBytes > spec.budgetGzipBytes) {
      throw new Error(`${spec.outfile} is ${gzipBytes} bytes gzipped, over its budget of ${spec.budgetGzipBytes}`);
    }
    built.push({ file, bytes: code.byteLength, gzipBytes });
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let built: BuiltBundle[];
  try {
    built = await buildSdk();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  for (const bundle of built) {
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(`${relative(process.cwd(), bundle.file)}  ${kb(bundle.bytes)} KB, ${kb(bundle.gzipBytes)} KB gzipped`);
  }
}
