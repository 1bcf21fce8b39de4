import type { Invite, InviteClaim, InviteCreate } from '@tandem/protocol';
import { apiPath, type ApiRequester, type RequestOptions } from '../api-requester.ts';

export type InviteClaimBody = (typeof InviteClaim)['static'];

export interface InviteCreateOptions extends RequestOptions {
  /** Makes a retried create return the first invite instead of making a second one. */
  idempotencyKey?: string;
}

export class Invites {
  constructor(private readonly api: ApiRequester) {}

  create(body: InviteCreate, options?: InviteCreateOptions): Promise<Invite> {
    return this.api.json({
      method: 'POST',
      path: '/v1/invites',
      body,
      headers: options?.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
      signal: options?.signal,
    });
  }

  get(id: string, options?: RequestOptions): Promise<Invite> {
    return this.api.json({ method: 'GET', path: apiPath`/v1/invites/${id}`, signal: options?.signal });
  }

  revoke(id: string, options?: RequestOptions): Promise<Invite> {
    return this.api.json({ method: 'DELETE', path: apiPath`/v1/invites/${id}`, signal: options?.signal });
  }

  /** For a code the customer read aloud to the agent. */
  claim(body: InviteClaimBody, options?: RequestOptions): Promise<Invite> {
    return this.api.json({ method: 'POST', path: '/v1/invites/claim', body, signal: options?.signal });
  }
}
