import { EVENT_TYPES, eventSchemaOf, webhookBodySchemaOf } from '@tandem/protocol';
import type { OpenAPIV3_1 } from 'openapi-types';

// openapi-types is what @fastify/swagger declares its options with.
type Webhooks = NonNullable<OpenAPIV3_1.Document['webhooks']>;

/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event type, with the body an endpoint
 * receives (the event under `data`, as webhook-dispatcher.ts sends it) and its headers.
 */
export function eventWebhooks(): Webhooks {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, {
    post: {
      summary: type,
      description:
        `${eventSchemaOf(type).description ?? ''} Signed per Standard Webhooks 1.0 (webhook-id, webhook-timestamp, webhook-signature headers); answer 2xx, ` +
          `anything else is retried.`,
      tags: ['events'],
      requestBody: { required: true, content: { 'application/json': { schema: webhookBodySchemaOf(type) as never } } },
      responses: { '2XX': { description: 'Received; no more attempts.' } },
    },
  }])) as Webhooks;
}

/** The one message of GET /v1/events/stream, as an example for the document. */
export const SSE_MESSAGE_EXAMPLE = [
  'id: 7',
  'event: session.ended',
  'data: {"id":"evt_3kq9f2","seq":7,"type":"session.ended","occurredAt":"2026-01-05T10:15:42.120Z","conversationId":"call-1001","inviteId":"inv_8d2h",' +
    '"sessionId":"ses_5tq1","data":{"reason":"call_ended"}}',
  '',
  '',
].join('\n');
