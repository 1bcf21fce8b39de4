import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { SCOPES, TokenResponse, type Scope } from '@tandem/protocol';
import { DomainError } from '../shared/domain-error.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

/** OAuth 2.0 client credentials (RFC 6749 §4.4), form or JSON. */
export function oauthRoutes(app: FastifyInstance, s: Services) {
  app.post('/oauth/token', {
    schema: {
      tags: ['auth'],
      summary: 'Get an access token (client credentials)',
      body: Type.Object({
        grant_type: Type.Optional(Type.String()),
        client_id: Type.Optional(Type.String()),
        client_secret: Type.Optional(Type.String()),
        scope: Type.Optional(Type.String()),
      }),
      response: responses({ 200: TokenResponse }),
    },
  }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    // HTTP Basic client authentication is the RFC's preferred form; the body form is also allowed.
    let clientId = body.client_id;
    let clientSecret = body.client_secret;
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    const limit = await s.rateLimiter.hit(`token:${clientId ?? ''}:${req.ip}`, s.config.tokenRateLimit.max, s.config.tokenRateLimit.windowMs);
    if (!limit.allowed) throw new DomainError('rate_limited', `Too many token requests: retry in ${limit.retryAfterSeconds} s. Cache tokens until they expire.`,
      { retryAfterSeconds: limit.retryAfterSeconds });
    if (!body.grant_type) throw new DomainError('invalid_request', 'grant_type is missing: send grant_type=client_credentials.');
    if (body.grant_type !== 'client_credentials') throw new DomainError('unsupported_grant_type',
      `grant_type "${body.grant_type}" is not supported: use client_credentials.`);
    if (!clientId || !clientSecret) throw new DomainError('invalid_request', 'client_id and client_secret are required (in the body or as HTTP Basic auth).');
    const client = await s.clients.authenticate(clientId, clientSecret);
    let scopes: Scope[] = client.scopes;
    if (body.scope !== undefined && body.scope.trim() !== '') {
      const asked = body.scope.split(/\s+/).filter(Boolean);
      const bad = asked.filter((x) => !client.scopes.includes(x as Scope));
      if (bad.length) {
        const unknown = bad.filter((x) => !(SCOPES as readonly string[]).includes(x));
        throw new DomainError('invalid_scope',
          unknown.length ? `Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(' ')}. Known: ${SCOPES.join(' ')}.`
            : `This client does not hold: ${bad.join(' ')}.`);
      }
      scopes = asked as Scope[];
    }
    const ttl = s.config.accessTokenTtlSeconds;
    const { token } = await s.tokens.issueAccess({ orgId: client.orgId, clientId: client.id, scopes }, ttl);
    return reply.header('cache-control', 'no-store').send({ access_token: token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') });
  });
}
