import type { SESSION_STATES, Session, SessionEnd } from '@tandem/protocol';
import { apiPath, type ApiRequester, type RequestOptions } from '../api-requester.ts';
import type { CursorPage } from '../paginate.ts';

export type SessionEndBody = (typeof SessionEnd)['static'];

export interface SessionListParams {
  conversationId?: string;
  state?: (typeof SESSION_STATES)[number];
  cursor?: string;
  limit?: number;
}

export class Sessions {
  constructor(private readonly api: ApiRequester) {}

  get(id: string, options?: RequestOptions): Promise<Session> {
    return this.api.json({ method: 'GET', path: apiPath`/v1/sessions/${id}`, signal: options?.signal });
  }

  list(params: SessionListParams = {}, options?: RequestOptions): Promise<CursorPage<Session>> {
    return this.api.json({ method: 'GET', path: '/v1/sessions', query: { ...params }, signal: options?.signal });
  }

  end(id: string, body: SessionEndBody = {}, options?: RequestOptions): Promise<Session> {
    return this.api.json({ method: 'POST', path: apiPath`/v1/sessions/${id}/end`, body, signal: options?.signal });
  }
}
