import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ConsentReceiptList, ExternalId } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

export const JWKS_PATH = '/.well-known/jwks.json';

const Jwk = Type.Object({
  kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.Literal('sig'),
});

export function receiptRoutes(app: FastifyInstance, s: Services) {
  app.get(JWKS_PATH, {
    schema: {
      tags: ['consent receipts'],
      summary: 'The public keys that verify consent receipts (JWKS, RFC 7517)',
      description: 'Every key that ever signed a receipt stays here; a receipt names its key in the JWS header `kid`.',
      response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
    },
  }, async (_req, reply) => {
    // Short enough that a rotated key is seen soon, long enough that verifiers need not ask every time.
    reply.header('cache-control', 'public, max-age=300');
    return s.receiptKeys.publicJwks();
  });

  app.get('/v1/conversations/:id/consent-receipts', {
    config: { scope: 'sessions:read' },
    schema: {
      tags: ['conversations'],
      summary: 'Signed consent receipts of a call: what the customer was shown and agreed to, and each withdrawal',
      description: 'Each `receipt` is a compact JWS (ES256); verify it offline against the keys at /.well-known/jwks.json (`tandem receipts verify`).',
      params: Type.Object({ id: ExternalId }),
      response: responses({ 200: ConsentReceiptList }, [404]),
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const org = orgOf(req);
    await s.conversations.get(org, id);
    return { conversationId: id, jwksUrl: `${s.config.publicUrl}${JWKS_PATH}`, data: await s.receipts.list(org, id) };
  });
}
