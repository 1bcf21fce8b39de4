import type { Deployment, DeploymentCreate, DeploymentCreated, DeploymentUpdate } from '@tandem/protocol';
import { apiPath, idempotencyHeaders, type ApiRequester, type IdempotentRequestOptions, type RequestOptions } from '../api-requester.ts';
import type { CursorPage } from '../paginate.ts';

export class Deployments {
  constructor(private readonly api: ApiRequester) {}

  /** One per site that embeds the SDK; `identitySecret` is shown only here. */
  create(body: DeploymentCreate, options?: IdempotentRequestOptions): Promise<DeploymentCreated> {
    return this.api.json({ method: 'POST', path: '/v1/deployments', body, headers: idempotencyHeaders(options), signal: options?.signal });
  }

  /** Changes only the fields given, e.g. `{ locale: 'de' }` (its customers' default language; null for none). */
  update(id: string, body: DeploymentUpdate, options?: RequestOptions): Promise<Deployment> {
    return this.api.json({ method: 'PATCH', path: apiPath`/v1/deployments/${id}`, body, signal: options?.signal });
  }

  list(options?: RequestOptions): Promise<CursorPage<Deployment>> {
    return this.api.json({ method: 'GET', path: '/v1/deployments', signal: options?.signal });
  }
}
