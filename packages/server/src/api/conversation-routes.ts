import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AuditEntry, Conversation, ConversationUpsert, ExternalId } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

const Params = Type.Object({ id: ExternalId });

export function conversationRoutes(app: FastifyInstance, s: Services) {
  app.put('/v1/conversations/:id', {
    config: { scope: 'conversations:write' },
    schema: {
      tags: ['conversations'],
      summary: 'Create or update a conversation (the dialer\'s call)',
      description:
        'The path id is your call id. state: dialing → connected → disconnected. Disconnecting revokes live invites and ends live sessions (reason ' +
          'call_ended).',
      params: Params,
      body: ConversationUpsert,
      response: responses({ 200: Conversation, 201: Conversation }, [404, 409, 422]),
    },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const { conversation, created } = await s.conversations.upsert(orgOf(req), id, req.body as ConversationUpsert);
    return reply.code(created ? 201 : 200).send(conversation);
  });

  app.get('/v1/conversations/:id', {
    config: { scope: 'sessions:read' },
    schema: { tags: ['conversations'], summary: 'Get a conversation', params: Params, response: responses({ 200: Conversation }, [404]) },
  }, async (req) => s.conversations.get(orgOf(req), (req.params as { id: string }).id));

  app.get('/v1/conversations/:id/audit', {
    config: { scope: 'sessions:read' },
    schema: {
      tags: ['conversations'],
      summary: 'Audit trail of a call: every state change and consent record',
      params: Params,
      response: responses({ 200: Type.Object({ conversationId: Type.String(), data: Type.Array(AuditEntry) }) }, [404]),
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const org = orgOf(req);
    await s.conversations.get(org, id);
    return { conversationId: id, data: await s.eventLog.audit(org, id) };
  });
}
