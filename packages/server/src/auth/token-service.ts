import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import type { Scope } from '@tandem/protocol';
import { DomainError } from '../shared/domain-error.ts';
import { whileClientActive, type ClientStatus } from './client-status.ts';
import type { SigningKey } from './signing-keys.ts';

const ISSUER = 'tandem';

export interface AccessClaims {
  orgId: string;
  clientId: string;
  scopes: Scope[];
}

export interface AgentClaims {
  orgId: string;
  agentId: string;
  conversationId: string;
  /** The API client that asked for the token: revoking it ends the token. */
  clientId: string;
}

export interface CaptureClaims {
  orgId: string;
  sessionId: string;
  visitorId: string;
}

type Audience = 'api' | 'agent' | 'capture';

/**
 * Signs and verifies Tandem's own JWTs; the audience keeps one kind from passing as another.
 * Access and agent tokens are good only while the API client they came from is not revoked.
 */
export class TokenService {
  constructor(private readonly keys: SigningKey[], private readonly clients: ClientStatus) {}

  private async sign(aud: Audience, sub: string, claims: Record<string, unknown>, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const key = this.keys[0]!;
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(aud)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key.key);
    return { token, expiresAt };
  }

  private async verify(aud: Audience, token: string): Promise<Record<string, unknown>> {
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = this.keys.find((k) => k.kid === kid);
      if (!key) throw new Error('unknown key');
      const { payload } = await jwtVerify(token, key.key, { issuer: ISSUER, audience: aud, algorithms: ['HS256'] });
      return payload as Record<string, unknown>;
    } catch (err) {
      const expired = err instanceof joseErrors.JWTExpired;
      throw new DomainError('invalid_token', expired ? 'The access token has expired: get a new one from POST /oauth/token.'
        : 'The access token is not valid: get a new one from POST /oauth/token.');
    }
  }

  issueAccess(c: AccessClaims, ttlSeconds: number) {
    return this.sign('api', c.clientId, { org: c.orgId, scope: c.scopes.join(' ') }, ttlSeconds);
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const p = await this.verify('api', token);
    const clientId = String(p.sub);
    await this.assertClientActive(clientId);
    return { orgId: String(p.org), clientId, scopes: String(p.scope ?? '').split(' ').filter(Boolean) as Scope[] };
  }

  issueAgent(c: AgentClaims, ttlSeconds: number) {
    return this.sign('agent', c.agentId, { org: c.orgId, conv: c.conversationId, cli: c.clientId }, ttlSeconds);
  }

  async verifyAgent(token: string): Promise<AgentClaims> {
    const p = await this.verify('agent', token);
    // A token from before clients were named in it cannot be tied to one, so it cannot be revoked.
    if (typeof p.cli !== 'string') throw new DomainError('invalid_token',
      'This agent token is from an older version: get a new one from POST /v1/agent-tokens.');
    await this.assertClientActive(p.cli);
    return { orgId: String(p.org), agentId: String(p.sub), conversationId: String(p.conv), clientId: p.cli };
  }

  /** Whether the client behind a token is still active (read again every few seconds). */
  clientActive(clientId: string): Promise<boolean> {
    return this.clients.isActive(clientId);
  }

  /** Fires when the client behind a long-lived response is revoked. */
  whileClientActive(clientId: string) {
    return whileClientActive(this.clients, clientId);
  }

  private async assertClientActive(clientId: string) {
    if (!(await this.clients.isActive(clientId))) {
      throw new DomainError('invalid_token', 'The API client this token was issued to has been revoked: use an active client\'s credentials.');
    }
  }

  issueCapture(c: CaptureClaims, ttlSeconds: number) {
    return this.sign('capture', c.sessionId, { org: c.orgId, vis: c.visitorId }, ttlSeconds);
  }

  async verifyCapture(token: string): Promise<CaptureClaims> {
    const p = await this.verify('capture', token);
    return { orgId: String(p.org), sessionId: String(p.sub), visitorId: String(p.vis) };
  }
}
