import type { AgentToken, AgentTokenCreate } from '@tandem/protocol';
import type { ApiRequester, RequestOptions } from '../api-requester.ts';

export class AgentTokens {
  constructor(private readonly api: ApiRequester) {}

  /** A short-lived token that opens the agent console for one conversation, and its URL. */
  create(body: AgentTokenCreate, options?: RequestOptions): Promise<AgentToken> {
    return this.api.json({ method: 'POST', path: '/v1/agent-tokens', body, signal: options?.signal });
  }
}
