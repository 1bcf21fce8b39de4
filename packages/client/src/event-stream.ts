import type { EventType, TandemEvent } from '@tandem/protocol';
import { abortableSleep } from './abortable-sleep.ts';
import type { ApiRequester } from './api-requester.ts';
import { SseParser } from './sse-parser.ts';
import { TandemApiError, TandemConnectionError } from './tandem-error.ts';

export interface EventStreamOptions<T extends EventType = EventType> {
  /** Start after this seq (a `nextCursor` or an event's `seq`); without it, from the start of the log. */
  after?: number | string;
  conversationId?: string;
  /** Only these types (the server filters); the yielded events are typed accordingly. */
  types?: readonly T[];
  /** Ends the iteration: the pending `next()` rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ReconnectPolicy {
  /** First delay before reconnecting; doubles per failed attempt (with jitter). */
  initialDelayMs: number;
  maxDelayMs: number;
  /** The server sends a heartbeat every 15 s: this long without a byte means a dead connection. */
  idleTimeoutMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, idleTimeoutMs: 45_000 };

/**
 * Yields events from GET /v1/events/stream for as long as the caller iterates. When the
 * connection drops, ends or goes silent, it reconnects with backoff and sends `Last-Event-ID`
 * with the last seq it yielded; events at or below that seq are skipped should the server replay
 * them, so each event is yielded once, in order. Errors the server will repeat (4xx other than
 * 408 and 429, such as insufficient_scope) end the iteration instead.
 */
export async function* streamEvents<T extends EventType = EventType>(
  api: ApiRequester,
  options: EventStreamOptions<T>,
  policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY,
): AsyncGenerator<TandemEvent<T>, never, undefined> {
  let lastSeq = options.after === undefined ? undefined : Number(options.after);
  let resuming = false;
  let failures = 0;
  let serverRetryMs: number | undefined;
  for (;;) {
    const connection = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, connection.signal]) : connection.signal;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => connection.abort(new TandemConnectionError(`No data or heartbeat for ${policy.idleTimeoutMs} ms`)),
        policy.idleTimeoutMs,
      );
    };
    let retryAfterMs = 0;
    try {
      const res = await api.stream({
        method: 'GET',
        path: '/v1/events/stream',
        // A resumed connection says where it stands in the header, as EventSource does.
        query: { after: resuming ? undefined : lastSeq, conversationId: options.conversationId, types: options.types },
        headers: resuming && lastSeq !== undefined ? { 'last-event-id': String(lastSeq) } : {},
        signal,
      });
      if (!res.body) throw new TandemConnectionError('The event stream response has no body');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      armIdleTimer();
      for (;;) {
        const chunk = await reader.read().catch((err: unknown) => {
          throw signal.aborted ? signal.reason : new TandemConnectionError('The event stream connection broke', { cause: err });
        });
        if (chunk.done) break;
        failures = 0;
        const messages = parser.push(chunk.value);
        serverRetryMs = parser.retryMs ?? serverRetryMs;
        // A slow consumer must not look like a silent server.
        clearTimeout(idleTimer);
        for (const message of messages) {
          // The server sends only the asked-for types (T is every type when none were asked for).
          const event = JSON.parse(message.data) as TandemEvent<T>;
          if (lastSeq !== undefined && event.seq <= lastSeq) continue;
          lastSeq = event.seq;
          yield event;
        }
        armIdleTimer();
      }
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (!isWorthRetrying(err)) throw err;
      if (err instanceof TandemApiError && err.retryAfter !== undefined) retryAfterMs = err.retryAfter * 1000;
    } finally {
      clearTimeout(idleTimer);
      connection.abort();
    }
    resuming = true;
    failures++;
    const backoff = Math.min(policy.maxDelayMs, (serverRetryMs ?? policy.initialDelayMs) * 2 ** (failures - 1));
    await abortableSleep(Math.max(retryAfterMs, backoff * (0.5 + Math.random() / 2)), options.signal);
  }
}

function isWorthRetrying(err: unknown): boolean {
  if (err instanceof TandemConnectionError) return true;
  return err instanceof TandemApiError && (err.status >= 500 || err.status === 408 || err.status === 429);
}
