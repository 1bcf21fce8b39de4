import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Scope } from '@tandem/protocol';
import type { AccessClaims, TokenService } from '../auth/token-service.ts';
import { DomainError } from '../shared/domain-error.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs (any one of a list); routes without it are public. */
    scope?: Scope | Scope[];
    /** Whether the route honours Idempotency-Key. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    auth: AccessClaims | null;
  }
}

export function installAuth(app: FastifyInstance, tokens: TokenService) {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const wanted = req.routeOptions.config?.scope;
    if (!wanted) return;
    const anyOf = Array.isArray(wanted) ? wanted : [wanted];
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('invalid_token', 'Send `Authorization: Bearer <access_token>`; get a token from POST /oauth/token.');
    const claims = await tokens.verifyAccess(match[1]!);
    if (!anyOf.some((s) => claims.scopes.includes(s))) {
      throw new DomainError('insufficient_scope',
        `This route needs the scope ${anyOf.map((s) => `"${s}"`).join(' or ')}; the token has: ${claims.scopes.join(' ') || '(none)'}. Request a token with ` +
          `scope=${anyOf[0]}.`, { requiredScope: anyOf[0], acceptedScopes: anyOf });
    }
    req.auth = claims;
  });
}

/** The organisation of an authenticated request (routes with a scope always have one). */
export function orgOf(req: FastifyRequest): string {
  if (!req.auth) throw new DomainError('invalid_token');
  return req.auth.orgId;
}
