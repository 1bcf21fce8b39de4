import { SHORT_CODE_DIGITS, shortCodeDigits, type Invite } from '@tandem/protocol';
import type { Deps } from './deps.ts';
import { DomainError } from '../shared/domain-error.ts';
import { newId, numericCode } from '../shared/ids.ts';
import type { DeploymentService } from './deployment-service.ts';
import type { InviteService } from './invite-service.ts';
import type { CodeGuard } from './code-guard.ts';
import type { Presence } from './presence.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { VisitorRef } from './visitor-ref.ts';

const SUPPORT_CODE_TTL_MS = 10 * 60_000;

/**
 * The reverse path: the customer's page asks for a code, reads it to the agent, and the company
 * backend claims it for the call; the invite then appears on exactly that page. The code's row
 * names the page; presence finds it on whichever node it is connected to.
 */
export class SupportCodeService {
  constructor(
    private readonly deps: Deps,
    private readonly invites: InviteService,
    private readonly guard: CodeGuard,
    private readonly limiter: RateLimiter,
    private readonly presence: Presence,
    private readonly deployments: DeploymentService,
  ) {}

  /**
   * A code for this page, unique among the organisation's live codes. Limited per source address
   * and per deployment: a public key is all it takes to ask.
   */
  async request(visitor: VisitorRef, source: string): Promise<{ code: string; expiresAt: string }> {
    const { perSource, perDeployment, windowMs } = this.deps.config.codeRequestRateLimit;
    for (const [key, limit, who] of [
      [`code-request:src:${visitor.deploymentId}:${source}`, perSource, 'this address'],
      [`code-request:dep:${visitor.deploymentId}`, perDeployment, 'this site'],
    ] as const) {
      const r = await this.limiter.hit(key, limit, windowMs);
      if (r.allowed) continue;
      const detail = `Too many support codes asked for from ${who}: try again in ${r.retryAfterSeconds} s.`;
      throw new DomainError('rate_limited', detail, { retryAfterSeconds: r.retryAfterSeconds });
    }
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SUPPORT_CODE_TTL_MS);
    for (let i = 0; i < 20; i++) {
      const code = numericCode(SHORT_CODE_DIGITS);
      // An expired code is free again: whoever held it can no longer claim anything with it.
      await this.deps.db.query(
        'DELETE FROM support_codes WHERE org_id = $1 AND code = $2 AND claimed_at IS NULL AND expires_at <= $3', [visitor.orgId, code, now]);
      const rows = await this.deps.db.query(
        `INSERT INTO support_codes (id, org_id, deployment_id, code, visitor_id, customer_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
        [newId('spc'), visitor.orgId, visitor.deploymentId, code, visitor.visitorId, visitor.customerId, expiresAt],
      );
      if (rows.length) return { code, expiresAt: expiresAt.toISOString() };
    }
    throw new Error('could not allocate a support code');
  }

  /** Drops codes whose time is up (claimed or not), so the table holds live codes only. */
  async sweepExpired(limit = 500): Promise<number> {
    const rows = await this.deps.db.query(
      'DELETE FROM support_codes WHERE id IN (SELECT id FROM support_codes WHERE expires_at <= $1 LIMIT $2) RETURNING id',
      [new Date(), limit],
    );
    return rows.length;
  }

  /**
   * The agent typed the code the customer read. Wrong, used and expired codes get one answer and
   * count against per-caller and per-organisation limits, so guessing is bounded. A claim that
   * fails leaves the code as it was: it is taken only once the page is known to be connected,
   * and given back when the invite cannot be made.
   */
  async claim(orgId: string, source: string, code: string, conversationId: string): Promise<Invite> {
    const { invite } = await this.guard.attempt({ orgId, kind: 'claim', source, conversationId }, async () => {
      const [row] = await this.deps.db.query<{ id: string; visitor_id: string; customer_id: string | null; deployment_id: string }>(
        `SELECT id, visitor_id, customer_id, deployment_id FROM support_codes
          WHERE org_id = $1 AND code = $2 AND claimed_at IS NULL AND expires_at > $3 LIMIT 1`,
        [orgId, shortCodeDigits(code), new Date()],
      );
      if (!row || !(await this.presence.isConnected(row.visitor_id))) throw new DomainError('invalid_code');
      // Two claims side by side: one takes it.
      const taken = await this.deps.db.query(
        'UPDATE support_codes SET claimed_at = $2 WHERE id = $1 AND claimed_at IS NULL RETURNING id', [row.id, new Date()]);
      if (!taken.length) throw new DomainError('invalid_code');
      try {
        const deployment = await this.deployments.byId(row.deployment_id);
        const page = { visitorId: row.visitor_id, customerId: row.customer_id, companyName: deployment?.companyName ?? 'Support' };
        const created = await this.invites.create(orgId, { conversationId }, page);
        return { invite: created, inviteId: created.id };
      } catch (err) {
        // The call was not in a state to invite: give the code back so the agent can retry.
        await this.deps.db.query('UPDATE support_codes SET claimed_at = NULL WHERE id = $1', [row.id]);
        throw err;
      }
    });
    return invite;
  }
}
