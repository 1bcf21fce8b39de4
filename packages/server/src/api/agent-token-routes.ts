import type { FastifyInstance } from 'fastify';
import { AgentToken, AgentTokenCreate } from '@tandem/protocol';
import { DomainError } from '../shared/domain-error.ts';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

export function agentTokenRoutes(app: FastifyInstance, s: Services) {
  app.post('/v1/agent-tokens', {
    config: { scope: 'agents:token' },
    schema: {
      tags: ['agents'],
      summary: 'A token and console URL for one agent on one call',
      body: AgentTokenCreate,
      description: 'The token ends with the call (PUT the conversation disconnected) and with the revocation of the API client that asked for it.',
      response: responses({ 201: AgentToken }, [404, 409]),
    },
  }, async (req, reply) => {
    const body = req.body as { agentId: string; conversationId: string; expiresInSeconds?: number };
    const org = orgOf(req);
    const conversation = await s.conversations.get(org, body.conversationId);
    if (conversation.state === 'disconnected') {
      throw new DomainError('conversation_not_connected', `The call "${conversation.id}" has ended: an agent token lives only as long as its call.`,
        { currentState: conversation.state });
    }
    const { token, expiresAt } = await s.tokens.issueAgent(
      { orgId: org, agentId: body.agentId, conversationId: body.conversationId, clientId: req.auth!.clientId }, body.expiresInSeconds ?? 8 * 3600);
    // The token travels in the fragment so it stays out of server and proxy logs.
    return reply.code(201).send({ token, expiresAt: expiresAt.toISOString(), consoleUrl: `${s.config.publicUrl}/console#token=${token}` });
  });
}
