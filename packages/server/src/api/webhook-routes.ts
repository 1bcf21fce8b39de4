import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Webhook, WebhookCreate, WebhookCreated, WebhookDelivery, type EventType } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { bindIdempotentResource } from './idempotency.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const DeliveryParams = Type.Object({ id: Type.String({ maxLength: 64 }), deliveryId: Type.String({ maxLength: 64 }) });
const RedeliverSince = Type.Object(
  { since: Type.String({ format: 'date-time', description: 'Redeliver the failed deliveries created at or after this time (ISO 8601)' }) },
  { additionalProperties: false },
);
const Redelivered = Type.Object({
  redelivered: Type.Integer({ description: 'Failed deliveries queued again by this call' }),
  more: Type.Boolean({ description: 'More remain: call again (a delivery is never redelivered twice)' }),
});

export function webhookRoutes(app: FastifyInstance, s: Services) {
  app.post('/v1/webhooks', {
    config: {
      scope: 'webhooks:write',
      idempotent: true,
      idempotentReplay: async (req, webhookId) => ({ status: 201, body: await s.webhooks.getCreated(orgOf(req), webhookId) }),
    },
    schema: {
      tags: ['webhooks'],
      summary: 'Register a webhook endpoint',
      description:
        'Deliveries follow Standard Webhooks 1.0 (webhook-id, webhook-timestamp, webhook-signature headers); verify them with any Standard Webhooks library ' +
          'and the returned secret, shown only here.',
      body: WebhookCreate,
      response: responses({ 201: WebhookCreated }),
    },
  }, async (req, reply) => reply.code(201).send(
    await s.webhooks.create(orgOf(req), req.body as { url: string; events?: EventType[]; description?: string }, bindIdempotentResource(req))));

  app.get('/v1/webhooks', {
    config: { scope: 'webhooks:write' },
    schema: { tags: ['webhooks'], summary: 'List webhook endpoints',
      response: responses({ 200: Type.Object({ data: Type.Array(Webhook), nextCursor: Type.Null() }) }) },
  }, async (req) => ({ data: await s.webhooks.list(orgOf(req)), nextCursor: null }));

  app.delete('/v1/webhooks/:id', {
    config: { scope: 'webhooks:write' },
    schema: { tags: ['webhooks'], summary: 'Delete a webhook endpoint', params: Params, response: responses({ 204: Type.Null() }, [404]) },
  }, async (req, reply) => {
    await s.webhooks.delete(orgOf(req), (req.params as { id: string }).id);
    return reply.code(204).send();
  });

  app.get('/v1/webhooks/:id/deliveries', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags: ['webhooks'],
      summary: 'Deliveries to an endpoint with every attempt, newest first',
      params: Params,
      querystring: Type.Object({
        cursor: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|100)$' })),
      }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ data: Type.Array(WebhookDelivery), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }, [404]),
    },
  }, async (req) => {
    const q = req.query as { cursor?: string; limit?: string };
    return s.webhooks.deliveries(orgOf(req), (req.params as { id: string }).id, { limit: Number(q.limit ?? 50), before: q.cursor });
  });

  app.post('/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags: ['webhooks'],
      summary: 'Send one delivery again',
      description:
        'Queues the delivery\'s event again as a new delivery with a fresh retry schedule (same webhook-id, so a receiver that has it drops it). A delivery ' +
          'still being tried answers 409 invalid_state.',
      params: DeliveryParams,
      body: Type.Object({}, { additionalProperties: false, description: 'Nothing: send no body or {}' }),
      response: responses({ 202: WebhookDelivery }, [404, 409]),
    },
    // `curl -X POST .../redeliver` sends no body at all; that means the same as {}.
    preValidation: async (req) => {
      req.body ??= {};
    },
  }, async (req, reply) => {
    const p = req.params as { id: string; deliveryId: string };
    return reply.code(202).send(await s.webhooks.redeliver(orgOf(req), p.id, p.deliveryId));
  });

  app.post('/v1/webhooks/:id/redeliver', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags: ['webhooks'],
      summary: 'Send again every failed delivery since a time',
      description:
        'After an outage of your endpoint: every delivery that failed (used up its retries) and was created at or after `since` is queued again, oldest ' +
          'first, up to 1000 per call. Deliveries arrive in any order: order by the event\'s `seq`.',
      params: Params,
      body: RedeliverSince,
      response: responses({ 202: Redelivered }, [404]),
    },
  }, async (req, reply) => {
    const { since } = req.body as { since: string };
    return reply.code(202).send(await s.webhooks.redeliverFailed(orgOf(req), (req.params as { id: string }).id, new Date(since)));
  });
}
