// Bundles the agent console into packages/agent/dist (served by the Tandem server at /agent/*):
//   console.js          the standalone page (/console), which mounts <tandem-console> full-page
//   tandem-console.js   the element alone, for an agent desktop to embed: it imports
//                       { defineTandemConsole, TandemConsole } and calls defineTandemConsole()
// and prints gzipped sizes. Run: npx tsx packages/agent/build.ts
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const packageDir = dirname(fileURLToPath(import.meta.url));
export const agentDistDir = join(packageDir, 'dist');
export const agentPublicDir = join(packageDir, 'public');

const bundles = [
  { entry: 'src/console-page.ts', outfile: 'console.js' },
  { entry: 'src/tandem-console.ts', outfile: 'tandem-console.js' },
];

export interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export async function buildAgent(): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const spec of bundles) {
    const file = join(agentDistDir, spec.outfile);
    await build({
      entryPoints: [join(packageDir, spec.entry)],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['chrome105', 'firefox110', 'safari16.4'],
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
  for (const bundle of await buildAgent()) {
    const kb = (n: number) => (n / 1024).toFixed(1);
    console.log(`${relative(process.cwd(), bundle.file)}  ${kb(bundle.bytes)} KB, ${kb(bundle.gzipBytes)} KB gzipped`);
  }
}
