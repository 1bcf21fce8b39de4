import type { WebhookCreate, WebhookCreated, WebhookDelivery } from '@tandem/protocol';
import { apiPath, idempotencyHeaders, type ApiRequester, type IdempotentRequestOptions, type RequestOptions } from '../api-requester.ts';
import type { CursorPage } from '../paginate.ts';

export type Webhook = Omit<WebhookCreated, 'secret'>;

export class Webhooks {
  constructor(private readonly api: ApiRequester) {}

  /** The returned `secret` (whsec_...) is shown only here: store it to verify deliveries. */
  create(body: WebhookCreate, options?: IdempotentRequestOptions): Promise<WebhookCreated> {
    return this.api.json({ method: 'POST', path: '/v1/webhooks', body, headers: idempotencyHeaders(options), signal: options?.signal });
  }

  list(options?: RequestOptions): Promise<CursorPage<Webhook>> {
    return this.api.json({ method: 'GET', path: '/v1/webhooks', signal: options?.signal });
  }

  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.api.json({ method: 'DELETE', path: apiPath`/v1/webhooks/${id}`, signal: options?.signal });
  }

  deliveries(id: string, params: { cursor?: string; limit?: number } = {}, options?: RequestOptions): Promise<CursorPage<WebhookDelivery>> {
    return this.api.json({ method: 'GET', path: apiPath`/v1/webhooks/${id}/deliveries`, query: { ...params }, signal: options?.signal });
  }
}
