import type { Deployment, DeploymentCreate, DeploymentCreated } from '@tandem/protocol';
import type { ApiRequester, RequestOptions } from '../api-requester.ts';

export class Deployments {
  constructor(private readonly api: ApiRequester) {}

  /** One per site that embeds the SDK; `identitySecret` is shown only here. */
  create(body: DeploymentCreate, options?: RequestOptions): Promise<DeploymentCreated> {
    return this.api.json({ method: 'POST', path: '/v1/deployments', body, signal: options?.signal });
  }

  list(options?: RequestOptions): Promise<{ data: Deployment[] }> {
    return this.api.json({ method: 'GET', path: '/v1/deployments', signal: options?.signal });
  }
}
