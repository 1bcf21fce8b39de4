// Compiles the Svelte fixture's components for esbuild with Svelte's own compiler (test pages only).
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import { compile } from 'svelte/compiler';

export const sveltePlugin: Plugin = {
  name: 'svelte',
  setup(build) {
    build.onLoad({ filter: /\.svelte$/ }, async ({ path }) => {
      const { js } = compile(await readFile(path, 'utf8'), { filename: path, generate: 'client', css: 'injected' });
      return { contents: js.code, loader: 'js' };
    });
  },
};
