/**
 * Polls until `check` returns something other than null (bounded: fails after `ms`). The bound is
 * generous because the tests share a busy machine; a pass is usually a fraction of a second.
 */
export async function waitFor<T>(check: () => Promise<T | null>, ms = 30_000, what = 'the condition'): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== null) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
