import type { EventType, TandemEvent } from '@tandem/protocol';
import { paginate } from './paginate.ts';
import type { Events } from './resources/events.ts';
import { TandemConnectionError, TandemTimeoutError } from './tandem-error.ts';

export interface WaitForOptions {
  conversationId?: string;
  sessionId?: string;
  /** Only events after this seq count; default 0, the whole history. */
  after?: number | string;
  /** Rejects with TandemTimeoutError after this long; `Infinity` waits for ever. */
  timeoutMs: number;
  signal?: AbortSignal;
}

const HISTORY_PAGE_SIZE = 100;

/**
 * Resolves with the first event of `type` that matches. The event may already have happened by
 * the time this is called (the customer accepted while the dialer was still logging the invite),
 * so the stored history after `after` (default: the start) is searched first, then the live
 * stream is followed from where that search ended. Without a conversationId or sessionId, pass
 * `after` (a cursor you hold), or an old event of the organisation will do.
 */
export async function waitForEvent<T extends EventType>(events: Events, type: T, options: WaitForOptions): Promise<TandemEvent<T>> {
  const { conversationId, sessionId } = options;
  const timer = new AbortController();
  const timeout = Number.isFinite(options.timeoutMs)
    ? setTimeout(() => timer.abort(new TandemTimeoutError(`No ${type} event arrived within ${options.timeoutMs} ms`)), options.timeoutMs)
    : undefined;
  const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
  const matches = (e: TandemEvent): e is TandemEvent<T> =>
    e.type === type && (sessionId === undefined || e.sessionId === sessionId) && (conversationId === undefined || e.conversationId === conversationId);
  const types = [type];
  try {
    let after = options.after ?? 0;
    const start = after;
    const history = paginate((cursor) => events.list({ after: cursor ?? start, conversationId, types, limit: HISTORY_PAGE_SIZE }, { signal }));
    for await (const event of history) {
      if (matches(event)) return event;
      after = event.seq;
    }
    for await (const event of events.stream({ after, conversationId, types, signal })) {
      if (matches(event)) return event;
    }
    throw new TandemConnectionError('The event stream ended before a matching event arrived');
  } finally {
    clearTimeout(timeout);
  }
}
