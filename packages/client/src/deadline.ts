import { TandemConnectionError, TandemError } from './tandem-error.ts';

/**
 * Runs `work` with a signal that aborts after `timeoutMs` or when `parent` aborts, and turns the
 * failure into the error the caller should see: the parent's reason if the caller gave up, a
 * TandemConnectionError for our timeout or for a broken connection while reading a body.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new TandemConnectionError(`The request timed out after ${timeoutMs} ms`)), timeoutMs);
  const signal = parent ? AbortSignal.any([timer.signal, parent]) : timer.signal;
  try {
    return await work(signal);
  } catch (err) {
    if (parent?.aborted) throw parent.reason;
    if (timer.signal.aborted) throw timer.signal.reason;
    if (err instanceof TandemError) throw err;
    throw new TandemConnectionError(`The connection failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    clearTimeout(timeout);
  }
}
