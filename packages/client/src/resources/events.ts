import type { EventType, TandemEvent } from '@tandem/protocol';
import type { ApiRequester, RequestOptions } from '../api-requester.ts';
import { streamEvents, type EventStreamOptions, type ReconnectPolicy } from '../event-stream.ts';
import type { CursorPage } from '../paginate.ts';

export interface EventListParams {
  /** Events with a seq above this; pass the previous page's `nextCursor`. */
  after?: number | string;
  limit?: number;
  conversationId?: string;
  types?: readonly EventType[];
}

export class Events {
  constructor(
    private readonly api: ApiRequester,
    private readonly reconnect: ReconnectPolicy,
  ) {}

  /** A page of the event log in seq order; `nextCursor` is the last seq, to pass as `after`. */
  list(params: EventListParams = {}, options?: RequestOptions): Promise<CursorPage<TandemEvent>> {
    return this.api.json({ method: 'GET', path: '/v1/events', query: { ...params }, signal: options?.signal });
  }

  /**
   * Live events, resumed across dropped connections: `for await (const e of tandem.events.stream())`.
   * With `types`, the events are typed as those types; `e.type` narrows `e.data` either way.
   */
  stream<T extends EventType = EventType>(options: EventStreamOptions<T> = {}): AsyncGenerator<TandemEvent<T>, never, undefined> {
    return streamEvents(this.api, options, this.reconnect);
  }
}
