// The demo pages' scripts are small TypeScript files, bundled in memory at start (no build step
// to forget): desk.js, phone.js, shop.js.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRIES = { 'desk.js': 'desk/desk.ts', 'phone.js': 'phone/phone.ts', 'shop.js': 'shop/shop.ts' } as const;

export async function buildDemoScripts(): Promise<Map<string, string>> {
  const scripts = new Map<string, string>();
  await Promise.all(Object.entries(ENTRIES).map(async ([name, entry]) => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: ['chrome105', 'firefox110', 'safari16.4'],
      legalComments: 'none',
      logLevel: 'warning',
    });
    scripts.set(name, result.outputFiles[0]!.text);
  }));
  return scripts;
}
