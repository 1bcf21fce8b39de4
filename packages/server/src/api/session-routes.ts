import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Session, SessionEnd } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function sessionRoutes(app: FastifyInstance, s: Services) {
  app.get('/v1/sessions/:id', {
    config: { scope: 'sessions:read' },
    schema: { tags: ['sessions'], summary: 'Get a session', params: Params, response: responses({ 200: Session }, [404]) },
  }, async (req) => s.sessions.get(orgOf(req), (req.params as { id: string }).id));

  app.get('/v1/sessions', {
    config: { scope: 'sessions:read' },
    schema: {
      tags: ['sessions'],
      summary: 'List sessions, newest first',
      querystring: Type.Object({
        conversationId: Type.Optional(Type.String({ maxLength: 128 })),
        state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('ended')])),
        cursor: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|100)$', description: '1–100, default 50' })),
      }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ data: Type.Array(Session), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }),
    },
  }, async (req) => {
    const q = req.query as { conversationId?: string; state?: 'active' | 'ended'; cursor?: string; limit?: string };
    const limit = Number(q.limit ?? 50);
    const data = await s.sessions.list(orgOf(req), { conversationId: q.conversationId, state: q.state, before: q.cursor, limit });
    return { data, nextCursor: data.length === limit ? data[data.length - 1]!.id : null };
  });

  app.post('/v1/sessions/:id/end', {
    config: { scope: 'sessions:write' },
    schema: {
      tags: ['sessions'],
      summary: 'End a live session',
      params: Params,
      body: Type.Optional(SessionEnd),
      response: responses({ 200: Session }, [404, 409]),
    },
  }, async (req) => {
    const body = (req.body ?? {}) as { reason?: 'agent_ended' | 'api_ended' };
    return s.sessions.end(orgOf(req), (req.params as { id: string }).id, body.reason ?? 'api_ended');
  });
}
