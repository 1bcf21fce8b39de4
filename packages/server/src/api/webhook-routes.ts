import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Webhook, WebhookCreate, WebhookCreated, WebhookDelivery, type EventType } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { responses, security } from './route-schema.ts';
import type { Services } from './services.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function webhookRoutes(app: FastifyInstance, s: Services) {
  app.post('/v1/webhooks', {
    config: { scope: 'webhooks:write', idempotent: true },
    schema: {
      tags: ['webhooks'],
      summary: 'Register a webhook endpoint',
      description: 'Deliveries follow Standard Webhooks 1.0 (webhook-id, webhook-timestamp, webhook-signature headers); verify them with any Standard Webhooks library and the returned secret, shown only here.',
      security: security('webhooks:write'),
      body: WebhookCreate,
      response: responses({ 201: WebhookCreated }),
    },
  }, async (req, reply) => reply.code(201).send(await s.webhooks.create(orgOf(req), req.body as { url: string; events?: EventType[]; description?: string })));

  app.get('/v1/webhooks', {
    config: { scope: 'webhooks:write' },
    schema: { tags: ['webhooks'], summary: 'List webhook endpoints', security: security('webhooks:write'), response: responses({ 200: Type.Object({ data: Type.Array(Webhook), nextCursor: Type.Null() }) }) },
  }, async (req) => ({ data: await s.webhooks.list(orgOf(req)), nextCursor: null }));

  app.delete('/v1/webhooks/:id', {
    config: { scope: 'webhooks:write' },
    schema: { tags: ['webhooks'], summary: 'Delete a webhook endpoint', security: security('webhooks:write'), params: Params, response: responses({ 204: Type.Null() }, [404]) },
  }, async (req, reply) => {
    await s.webhooks.delete(orgOf(req), (req.params as { id: string }).id);
    return reply.code(204).send();
  });

  app.get('/v1/webhooks/:id/deliveries', {
    config: { scope: 'webhooks:write' },
    schema: {
      tags: ['webhooks'],
      summary: 'Deliveries to an endpoint with every attempt, newest first',
      security: security('webhooks:write'),
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
}
