import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { SmsMessage } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

export function smsRoutes(app: FastifyInstance, s: Services) {
  app.get('/v1/sms/outbox', {
    config: { scope: 'invites:write' },
    schema: {
      tags: ['sms'],
      summary: 'Messages the outbox SMS provider would have sent, newest first',
      querystring: Type.Object({
        to: Type.Optional(Type.String({ maxLength: 32 })),
        cursor: Type.Optional(Type.String({ format: 'date-time' })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|100)$' })),
      }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ data: Type.Array(SmsMessage), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }),
    },
  }, async (req) => {
    const q = req.query as { to?: string; cursor?: string; limit?: string };
    const limit = Number(q.limit ?? 50);
    const data = await s.smsOutbox.list(orgOf(req), { to: q.to, limit, before: q.cursor });
    return { data, nextCursor: data.length === limit ? data[data.length - 1]!.createdAt : null };
  });
}
