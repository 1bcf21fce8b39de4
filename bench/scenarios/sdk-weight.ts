import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import type { BenchRow } from '../harness/result-table.ts';
import { buildSdk } from '../../packages/sdk/build.ts';

/** rrweb's record entry alone, bundled and minified as the SDK is: what a site would ship at least. */
export async function rrwebRecordGzip(): Promise<number> {
  const out = await build({
    stdin: { contents: "export { record } from 'rrweb';", resolveDir: new URL('.', import.meta.url).pathname, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return gzipSync(out.outputFiles[0]!.contents, { level: 9 }).byteLength;
}

/** The SDK as shipped (packages/sdk/build.ts, gzip -9) against rrweb's record alone. */
export async function sdkWeight(): Promise<BenchRow[]> {
  const built = await buildSdk();
  const gz = (name: string) => built.find((b) => b.file.endsWith(name))!.gzipBytes / 1024;
  const rr = (await rrwebRecordGzip()) / 1024;
  return [
    { scenario: 'SDK weight', metric: 'loader (every page), gzipped', tandem: gz('loader.js'), baseline: rr, unit: 'KiB', better: 'lower', target: '≤ 8 KiB',
      met: gz('loader.js') <= 8 },
    { scenario: 'SDK weight', metric: 'capture (after Share), gzipped', tandem: gz('capture.js'), baseline: rr, unit: 'KiB', better: 'lower', target: 'report',
      met: null, note: 'baseline: rrweb record entry bundled alone (esbuild, minified)' },
  ];
}
