// Builds what the test browsers load: the SDK exactly as shipped (packages/sdk/build.ts) and the
// test-only page bundles (page hooks, replica viewer, fixture apps) into e2e/dist (gitignored).
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSdk, distDir as sdkDistDir } from '../../packages/sdk/build.ts';
import { writeWhole } from '../../scripts/write-whole.ts';
import { sveltePlugin } from './svelte-plugin.ts';

export const e2eDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const e2eDistDir = join(e2eDir, 'dist');
export const fixturesDir = join(e2eDir, 'fixtures');
export { sdkDistDir };

const entries: Record<string, string> = {
  'page-tools': 'fixtures/browser/page-tools.ts',
  replica: 'fixtures/browser/replica.ts',
  'live-feed': 'fixtures/browser/live-feed.ts',
  'app-react-orders': 'fixtures/apps/react-orders/app.jsx',
  'app-vue-booking': 'fixtures/apps/vue-booking/app.js',
  'app-lit-support': 'fixtures/apps/lit-support/app.js',
  'app-svelte-checkout': 'fixtures/apps/svelte-checkout/app.js',
  'app-angular-returns': 'fixtures/apps/angular-returns/app.js',
};

let built: Promise<void> | null = null;

async function buildAll(extraEntries: Record<string, string>): Promise<void> {
  await mkdir(e2eDistDir, { recursive: true });
  await buildSdk();
  const entryPoints: Record<string, string> = {};
  for (const [name, path] of Object.entries({ ...entries, ...extraEntries })) {
    entryPoints[name] = join(e2eDir, path);
  }
  const result = await build({
    write: false,
    entryPoints,
    outdir: e2eDistDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome100'],
    sourcemap: true,
    // Pages load capture from the SDK's own bundle, like a site would, never a second copy.
    external: ['/sdk/*'],
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    jsx: 'automatic',
    plugins: [sveltePlugin],
    logLevel: 'warning',
  });
  await writeWhole(result.outputFiles);
  const require = createRequire(import.meta.url);
  const rrwebCss = join(dirname(require.resolve('rrweb')), 'style.css');
  await copyFile(rrwebCss, join(e2eDistDir, 'rrweb-style.css'));
}

// Once per test process; every test file shares the same output.
export function buildBrowserBundles(extraEntries: Record<string, string> = {}): Promise<void> {
  built ??= buildAll(extraEntries);
  return built;
}

// URL prefixes of the test site.
export function testSiteMounts(): Record<string, string> {
  return { '/sdk/': sdkDistDir, '/e2e-dist/': e2eDistDir, '/fixtures/': fixturesDir };
}
