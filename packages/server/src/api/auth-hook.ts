import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Scope } from '@tandem/protocol';
import type { AccessClaims, TokenService } from '../auth/token-service.ts';
import { DomainError } from '../domain/domain-error.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without it are public. */
    scope?: Scope;
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
    const scope = req.routeOptions.config?.scope;
    if (!scope) return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('invalid_token', 'Send `Authorization: Bearer <access_token>`; get a token from POST /oauth/token.');
    const claims = await tokens.verifyAccess(match[1]!);
    if (!claims.scopes.includes(scope)) {
      throw new DomainError('insufficient_scope', `This route needs the scope "${scope}"; the token has: ${claims.scopes.join(' ') || '(none)'}. Request a token with scope=${scope}.`, { requiredScope: scope });
    }
    req.auth = claims;
  });
}

/** The organisation of an authenticated request (routes with a scope always have one). */
export function orgOf(req: FastifyRequest): string {
  if (!req.auth) throw new DomainError('invalid_token');
  return req.auth.orgId;
}
