import type { SmsMessage } from '@tandem/protocol';
import type { ApiRequester, RequestOptions } from '../api-requester.ts';
import type { CursorPage } from '../paginate.ts';

export class Sms {
  constructor(private readonly api: ApiRequester) {}

  /** What the outbox SMS provider would have sent (demo and test setups). */
  outbox(params: { to?: string; cursor?: string; limit?: number } = {}, options?: RequestOptions): Promise<CursorPage<SmsMessage>> {
    return this.api.json({ method: 'GET', path: '/v1/sms/outbox', query: { ...params }, signal: options?.signal });
  }
}
