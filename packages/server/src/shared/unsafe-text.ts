/**
 * A NUL character (Postgres text cannot hold it) or a UTF-16 surrogate without its pair (it has
 * no UTF-8 form): either would fail at the database as a 500, or be stored mangled.
 */
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string or key in `value` that holds unsafe text; null when there is none. */
export function findUnsafeText(value: unknown, root: string): string | null {
  // Iterative: a deeply nested body must not exhaust the stack.
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSAFE_TEXT.test(v)) return path;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}/${i}`]));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (UNSAFE_TEXT.test(k)) return `${path}/${k.replace(UNSAFE_TEXT, '?')}`;
        stack.push([item, `${path}/${k}`]);
      }
    }
  }
  return null;
}
