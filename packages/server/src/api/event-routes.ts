import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { EVENT_TYPES, EventSchema } from '@tandem/protocol';
import { SSE_MESSAGE_EXAMPLE } from './event-docs.ts';
import { DomainError } from '../shared/domain-error.ts';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

const Filters = {
  conversationId: Type.Optional(Type.String({ maxLength: 128 })),
  types: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated event types' })),
};

function parseTypes(raw: string | undefined): string[] | undefined {
  if (!raw) return undefined;
  const types = raw.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = types.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (bad.length) throw new DomainError('validation_failed', `Unknown event types: ${bad.join(', ')}. Known: ${EVENT_TYPES.join(', ')}.`,
    { errors: [{ path: 'querystring/types', message: `unknown: ${bad.join(', ')}` }] });
  return types;
}

export function eventRoutes(app: FastifyInstance, s: Services, opts: { heartbeatMs: number; shutdown: AbortSignal }) {
  app.get('/v1/events', {
    config: { scope: 'events:read' },
    schema: {
      tags: ['events'],
      summary: 'Events after a sequence number, oldest first',
      description: 'Page with `after` = the previous page\'s nextCursor. Sequence numbers are per organisation and gap-free.',
      querystring: Type.Object({
        after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: '1–1000, default 100' })),
        ...Filters,
      }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ data: Type.Array(EventSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }),
    },
  }, async (req) => {
    const q = req.query as { after?: string; limit?: string; conversationId?: string; types?: string };
    const limit = Number(q.limit ?? 100);
    const data = await s.eventLog.list(orgOf(req), { after: Number(q.after ?? 0), limit, conversationId: q.conversationId, types: parseTypes(q.types) });
    return { data, nextCursor: data.length ? String(data[data.length - 1]!.seq) : (q.after ?? null) };
  });

  app.get('/v1/events/stream', {
    config: { scope: 'events:read' },
    schema: {
      tags: ['events'],
      summary: 'Live event stream (Server-Sent Events)',
      description:
        'Each message has `id: <seq>`, `event: <type>`, `data: <event JSON>`. Reconnect with Last-Event-ID (or ?after=) to resume with nothing missed or ' +
          'repeated. A comment line is sent every 15 s. The stream ends within seconds when the API client is revoked.',
      querystring: Type.Object({ after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })), ...Filters }, { additionalProperties: false }),
      headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) }),
      response: {
        200: {
          description:
            'A Server-Sent Events stream. Each message: `id:` the event\'s seq, `event:` its type, `data:` the event as one line of JSON, the same object ' +
              'GET /v1/events lists and a webhook body carries under `data`. Its `data` field is the payload of that type (see the webhooks section for ' +
                'every type).',
          content: { 'text/event-stream': { schema: { type: 'string' }, example: SSE_MESSAGE_EXAMPLE } },
        },
      },
    },
  }, async (req, reply) => {
    const q = req.query as { after?: string; conversationId?: string; types?: string };
    const lastEventId = req.headers['last-event-id'] as string | undefined;
    const types = parseTypes(q.types);
    const org = orgOf(req);
    reply.hijack();
    // Revoking the client ends the stream; its reconnect is then refused.
    const active = s.tokens.whileClientActive(req.auth!.clientId);
    try {
      const after = Number(lastEventId ?? q.after ?? 0);
      const stream = { orgId: org, after, conversationId: q.conversationId, types, heartbeatMs: opts.heartbeatMs };
      await s.eventLog.stream(reply.raw, stream, AbortSignal.any([opts.shutdown, active.signal]));
    } finally {
      active.stop();
    }
  });
}
