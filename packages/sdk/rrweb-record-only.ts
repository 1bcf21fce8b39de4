// An esbuild plugin for the capture bundle: rrweb's record side without the CSS parser only its
// replayer uses.
//
// rrweb 2.2.2 ships one pre-bundled ESM file (dist/rrweb.js) that inlines rrweb-snapshot, rrdom
// and, twice (through each of those), postcss. The replayer's CSS rewriting (`adaptCssForReplay`)
// is postcss's only user, and record never calls it; but the file's interop code evaluates each
// postcss copy at module load — a CommonJS wrapper called inside `__toESM(...)` and a list of bare
// property reads (`import_postcss.default.parse;`, left where named re-exports were shaken out) —
// so esbuild must keep both copies: 37 KiB of the 60 KiB gzipped that `import { record }` costs.
//
// Three rewrites of that interop, each sound whatever imports rrweb: a bare read of a plain
// object's property does nothing and goes; the wrapper's call and the `postcss_default` read are
// marked pure, so esbuild keeps them exactly when something uses their value (the replayer would)
// and drops them when nothing does (record alone). postcss has no effect at load besides building
// its own objects. The rrweb version is pinned: should its file change shape, a rewrite finds
// nothing, and the build fails here rather than ship the parser again unnoticed.
import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';

interface Rewrite {
  what: string;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
  /** how many matches rrweb 2.2.2's dist/rrweb.js has */
  expected: number;
}

const REWRITES: Rewrite[] = [
  {
    what: 'bare reads of postcss exports',
    pattern: /^import_postcss(?:\$\d+)?\.default(?:\.[A-Za-z]+)?;$/gm,
    replace: () => '',
    expected: 49,
  },
  {
    what: "postcss's CommonJS wrapper called at load",
    pattern: /(= \/\* @__PURE__ \*\/ __toESM(?:\$\d+)?\()(\(\/\* @__PURE__ \*\/ __commonJSMin(?:\$\d+)?\()/g,
    replace: (_m, head, call) => `${head}/* @__PURE__ */ ${call}`,
    expected: 2,
  },
  {
    what: "the replayer's postcss binding",
    pattern: /^var postcss_default = (import_postcss(?:\$\d+)?\.default);$/gm,
    replace: (_m, read) => `var postcss_default = /* @__PURE__ */ (() => ${read})();`,
    expected: 1,
  },
];

/** Applies the rewrites to rrweb's dist file; throws when one does not match as expected. */
export function recordOnlySource(source: string): string {
  let out = source;
  for (const r of REWRITES) {
    let count = 0;
    out = out.replace(r.pattern, (...args: string[]) => {
      count++;
      return r.replace(...(args as [string, ...string[]]));
    });
    if (count !== r.expected) {
      throw new Error(`rrweb-record-only: ${r.what}: ${count} matches, expected ${r.expected} (did rrweb's dist/rrweb.js change?)`);
    }
  }
  return out;
}

export const rrwebRecordOnly: Plugin = {
  name: 'rrweb-record-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]rrweb[\\/]dist[\\/]rrweb\.js$/ }, async (args) => ({
      contents: recordOnlySource(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
