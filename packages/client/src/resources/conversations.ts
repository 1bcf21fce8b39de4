import type { AuditEntry, Conversation, ConversationUpsert } from '@tandem/protocol';
import { apiPath, type ApiRequester, type RequestOptions } from '../api-requester.ts';

export class Conversations {
  constructor(private readonly api: ApiRequester) {}

  /** Creates or updates the conversation; `id` is the dialer's call id. */
  upsert(id: string, body: ConversationUpsert, options?: RequestOptions): Promise<Conversation> {
    return this.api.json({ method: 'PUT', path: apiPath`/v1/conversations/${id}`, body, signal: options?.signal });
  }

  get(id: string, options?: RequestOptions): Promise<Conversation> {
    return this.api.json({ method: 'GET', path: apiPath`/v1/conversations/${id}`, signal: options?.signal });
  }

  /** Consent records and every state change of the call. */
  audit(id: string, options?: RequestOptions): Promise<{ conversationId: string; data: AuditEntry[] }> {
    return this.api.json({ method: 'GET', path: apiPath`/v1/conversations/${id}/audit`, signal: options?.signal });
  }
}
