// Builds the installable package into packages/client/dist: one ES module with the protocol code it
// uses bundled in (no runtime dependencies beyond Node 20), one self-contained .d.ts (the protocol's
// and TypeBox's types inlined), the package README and a package.json for publishing.
// Run: npm run build -w @tandem/client   then   npm pack ./packages/client/dist
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(fileURLToPath(import.meta.url));
export const distDir = join(packageDir, 'dist');
const entry = join(packageDir, 'src', 'index.ts');

interface SourceManifest {
  name: string;
  version: string;
}

export async function buildClient(): Promise<string> {
  await rm(distDir, { recursive: true, force: true });
  await mkdir(distDir, { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: join(distDir, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The client's values come from @tandem/protocol/wire (no dependency); the main entry gives it
    // types only, so nothing of TypeBox is bundled or needed at run time.
    logLevel: 'warning',
  });
  const [dts] = generateDtsBundle(
    [{ filePath: entry, output: { noBanner: true, exportReferencedTypes: false }, libraries: { inlinedLibraries: ['@tandem/protocol', '@sinclair/typebox'] } }],
    { preferredConfigPath: join(packageDir, 'tsconfig.build.json') },
  );
  await writeFile(join(distDir, 'index.d.ts'), dts!);
  const source = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as SourceManifest;
  const manifest = {
    name: source.name,
    version: source.version,
    description: 'Typed Node client for the Tandem co-browsing API: auth, conversations, invites, sessions, events, webhooks',
    type: 'module',
    exports: { '.': { types: './index.d.ts', default: './index.js' } },
    types: './index.d.ts',
    files: ['index.js', 'index.d.ts', 'README.md'],
    // AbortSignal.any arrived in 20.3.
    engines: { node: '>=20.3' },
    sideEffects: false,
  };
  await writeFile(join(distDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(join(packageDir, 'README.md'), join(distDir, 'README.md'));
  return distDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built ${await buildClient()}`);
}
