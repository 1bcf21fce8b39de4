// Bundles the browser SDK into packages/sdk/dist and reports gzipped sizes, which are budgets
// (the loader must stay small; capture is loaded only after consent).
// Run: node --import tsx packages/sdk/build.ts
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const packageDir = dirname(fileURLToPath(import.meta.url));
export const distDir = join(packageDir, 'dist');

interface BundleSpec {
  entry: string;
  outfile: string;
}

const bundles: BundleSpec[] = [
  { entry: 'src/capture/index.ts', outfile: 'capture.js' },
];

export interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export async function buildSdk(): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const spec of bundles) {
    const file = join(distDir, spec.outfile);
    await build({
      entryPoints: [join(packageDir, spec.entry)],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['chrome100', 'firefox100', 'safari15'],
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      logLevel: 'warning',
    });
    const code = await readFile(file);
    built.push({ file, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength });
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const bundle of await buildSdk()) {
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(`${relative(process.cwd(), bundle.file)}  ${kb(bundle.bytes)} KB, ${kb(bundle.gzipBytes)} KB gzipped`);
  }
}
