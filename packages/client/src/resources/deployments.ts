import type { Deployment, DeploymentCreate, DeploymentCreated } from '@tandem/protocol';
import { idempotencyHeaders, type ApiRequester, type IdempotentRequestOptions, type RequestOptions } from '../api-requester.ts';
import type { CursorPage } from '../paginate.ts';

export class Deployments {
  constructor(private readonly api: ApiRequester) {}

  /** One per site that embeds the SDK; `identitySecret` is shown only here. */
  create(body: DeploymentCreate, options?: IdempotentRequestOptions): Promise<DeploymentCreated> {
    return this.api.json({ method: 'POST', path: '/v1/deployments', body, headers: idempotencyHeaders(options), signal: options?.signal });
  }

  list(options?: RequestOptions): Promise<CursorPage<Deployment>> {
    return this.api.json({ method: 'GET', path: '/v1/deployments', signal: options?.signal });
  }
}
