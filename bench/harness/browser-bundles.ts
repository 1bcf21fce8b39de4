// Builds what the benchmark's browsers load besides Tandem itself: the baseline's plain rrweb
// recorder and viewer, and the in-page probes that timestamp mutations, cursors and joins.
// Output: bench/dist (gitignored). Tandem's own bundles are built by scripts/build-bundles.sh.
import { build, type BuildOptions } from 'esbuild';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const benchDistDir = join(benchDir, 'dist');

let built: Promise<void> | null = null;

async function buildAll() {
  await mkdir(benchDistDir, { recursive: true });
  const common: BuildOptions =
    { bundle: true, platform: 'browser', target: ['chrome100'], logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' } };
  await build({
    ...common,
    entryPoints:
      {
      'rrweb-recorder': join(benchDir, 'baselines/browser/rrweb-recorder.ts'),
      'rrweb-record-only': join(benchDir, 'baselines/browser/rrweb-record-only.ts'),
      'rrweb-viewer': join(benchDir, 'baselines/browser/rrweb-viewer.ts'),
    },
    outdir: benchDistDir,
    format: 'esm',
    minify: true,
  });
  // Probes are evaluated into pages over the DevTools protocol (so a page's CSP does not apply).
  await build({ ...common, entryPoints: { probe: join(benchDir, 'harness/browser/probe.ts') }, outdir: benchDistDir, format: 'iife' });
  await copyFile(join(benchDir, 'baselines/browser/viewer.html'), join(benchDistDir, 'viewer.html'));
  const require = createRequire(import.meta.url);
  await copyFile(join(dirname(require.resolve('rrweb')), 'style.css'), join(benchDistDir, 'rrweb-style.css'));
}

export function buildBenchBundles(): Promise<void> {
  built ??= buildAll();
  return built;
}

/** The probe's source, to evaluate in a page (or add as an init script). */
export async function probeSource(): Promise<string> {
  await buildBenchBundles();
  return readFile(join(benchDistDir, 'probe.js'), 'utf8');
}
