import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Invite, InviteClaim, InviteCreate } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { bindIdempotentResource } from './idempotency.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const IdempotencyHeader =
  Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'Replays the first response for the same key and body' })) });

export function inviteRoutes(app: FastifyInstance, s: Services) {
  app.post('/v1/invites', {
    config: {
      scope: 'invites:write',
      idempotent: true,
      idempotentReplay: async (req, inviteId) => ({ status: 201, body: await s.invites.get(orgOf(req), inviteId) }),
    },
    schema: {
      tags: ['invites'],
      summary: 'Invite the customer of a connected call to share their screen',
      description: 'Channels default to push when the customer has a live page, else sms when a phone is known; otherwise 422 customer_unreachable.',
      headers: IdempotencyHeader,
      body: InviteCreate,
      response: responses({ 201: Invite }, [404, 409, 422]),
    },
  }, async (req, reply) => reply.code(201).send(await s.invites.create(orgOf(req), req.body as InviteCreate, undefined, bindIdempotentResource(req))));

  app.post('/v1/invites/claim', {
    config: { scope: 'invites:write', idempotent: true },
    schema: {
      tags: ['invites'],
      summary: 'Claim a support code the customer read aloud, for this call',
      description:
        'The page that showed the code gets the consent prompt. Wrong, used and expired codes all answer invalid_code and count against a rate limit.',
      headers: IdempotencyHeader,
      body: InviteClaim,
      response: responses({ 201: Invite }, [404, 409, 422]),
    },
  }, async (req, reply) => {
    const body = req.body as { code: string; conversationId: string };
    const invite = await s.supportCodes.claim(orgOf(req), `${req.auth!.clientId}:${req.ip}`, body.code, body.conversationId);
    return reply.code(201).send(invite);
  });

  app.get('/v1/invites/:id', {
    config: { scope: ['invites:write', 'sessions:read'] },
    schema: { tags: ['invites'], summary: 'Get an invite with its deliveries', params: Params, response: responses({ 200: Invite }, [404]) },
  }, async (req) => s.invites.get(orgOf(req), (req.params as { id: string }).id));

  app.get('/v1/invites', {
    config: { scope: ['invites:write', 'sessions:read'] },
    schema: {
      tags: ['invites'],
      summary: 'List the invites of a conversation',
      querystring: Type.Object({ conversationId: Type.String({ maxLength: 128 }) }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ data: Type.Array(Invite), nextCursor: Type.Null() }) }),
    },
  }, async (req) => ({ data: await s.invites.listByConversation(orgOf(req), (req.query as { conversationId: string }).conversationId), nextCursor: null }));

  app.delete('/v1/invites/:id', {
    config: { scope: 'invites:write' },
    schema: { tags: ['invites'], summary: 'Revoke a live invite', params: Params, response: responses({ 200: Invite }, [404, 409]) },
  }, async (req) => s.invites.revoke(orgOf(req), (req.params as { id: string }).id));
}

const CodeAttempt = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('enter'), Type.Literal('claim')]),
  source: Type.String(),
  outcome: Type.Union([Type.Literal('hit'), Type.Literal('miss'), Type.Literal('locked')]),
  conversationId: Type.Union([Type.String(), Type.Null()]),
  inviteId: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
});

/** The audit of short codes: every attempt, by customers typing one and agents claiming one. */
export function codeAttemptRoutes(app: FastifyInstance, s: Services) {
  app.get('/v1/code-attempts', {
    config: { scope: 'sessions:read' },
    schema: {
      tags: ['invites'],
      summary: 'Every attempt at a code (hit, miss, locked out), newest first',
      querystring: Type.Object({
        cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
        limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|100)$' })),
      }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ data: Type.Array(CodeAttempt), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }),
    },
  }, async (req) => {
    const q = req.query as { cursor?: string; limit?: string };
    const limit = Number(q.limit ?? 50);
    const data = await s.codeGuard.list(orgOf(req), { before: q.cursor ? Number(q.cursor) : undefined, limit });
    return { data, nextCursor: data.length === limit ? String(data[data.length - 1]!.id) : null };
  });
}
