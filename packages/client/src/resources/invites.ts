import type { Invite, InviteClaim, InviteCreate } from '@tandem/protocol';
import { apiPath, idempotencyHeaders, type ApiRequester, type IdempotentRequestOptions, type RequestOptions } from '../api-requester.ts';
import type { CursorPage } from '../paginate.ts';

export type InviteClaimBody = (typeof InviteClaim)['static'];

export class Invites {
  constructor(private readonly api: ApiRequester) {}

  create(body: InviteCreate, options?: IdempotentRequestOptions): Promise<Invite> {
    return this.api.json({ method: 'POST', path: '/v1/invites', body, headers: idempotencyHeaders(options), signal: options?.signal });
  }

  get(id: string, options?: RequestOptions): Promise<Invite> {
    return this.api.json({ method: 'GET', path: apiPath`/v1/invites/${id}`, signal: options?.signal });
  }

  /** Every invite of one conversation. */
  list(params: { conversationId: string }, options?: RequestOptions): Promise<CursorPage<Invite>> {
    return this.api.json({ method: 'GET', path: '/v1/invites', query: { ...params }, signal: options?.signal });
  }

  revoke(id: string, options?: RequestOptions): Promise<Invite> {
    return this.api.json({ method: 'DELETE', path: apiPath`/v1/invites/${id}`, signal: options?.signal });
  }

  /** For a support code the customer read aloud to the agent. */
  claim(body: InviteClaimBody, options?: IdempotentRequestOptions): Promise<Invite> {
    return this.api.json({ method: 'POST', path: '/v1/invites/claim', body, headers: idempotencyHeaders(options), signal: options?.signal });
  }
}
