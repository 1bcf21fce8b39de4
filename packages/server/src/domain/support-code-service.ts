import { SHORT_CODE_DIGITS, shortCodeDigits, type Invite } from '@tandem/protocol';
import type { Deps } from './deps.ts';
import { DomainError } from '../shared/domain-error.ts';
import { newId, numericCode } from '../shared/ids.ts';
import type { InviteService } from './invite-service.ts';
import type { CodeGuard } from './code-guard.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { VisitorRef } from './visitor-ref.ts';

const SUPPORT_CODE_TTL_MS = 10 * 60_000;

/**
 * The reverse path: the customer's page asks for a code, reads it to the agent, and the company
 * backend claims it for the call; the invite then appears on exactly that page.
 */
export class SupportCodeService {
  /** Pages that asked for a code, by visitor id, while they are connected to this node. */
  private readonly pages = new Map<string, VisitorRef>();

  constructor(
    private readonly deps: Deps,
    private readonly invites: InviteService,
    private readonly guard: CodeGuard,
    private readonly limiter: RateLimiter,
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
      const r = this.limiter.hit(key, limit, windowMs);
      if (!r.allowed) throw new DomainError('rate_limited', `Too many support codes asked for from ${who}: try again in ${r.retryAfterSeconds} s.`,
        { retryAfterSeconds: r.retryAfterSeconds });
    }
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SUPPORT_CODE_TTL_MS);
    for (let i = 0; i < 20; i++) {
      const code = numericCode(SHORT_CODE_DIGITS);
      // An expired code is free again: whoever held it can no longer claim anything with it.
      await this.deps.db.query('DELETE FROM support_codes WHERE org_id = $1 AND code = $2 AND claimed_at IS NULL AND expires_at <= $3',
        [visitor.orgId, code, now]);
      const rows = await this.deps.db.query(
        `INSERT INTO support_codes (id, org_id, deployment_id, code, visitor_id, customer_id, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id`,
        [newId('spc'), visitor.orgId, visitor.deploymentId, code, visitor.visitorId, visitor.customerId, expiresAt],
      );
      if (rows.length) {
        this.pages.set(visitor.visitorId, visitor);
        return { code, expiresAt: expiresAt.toISOString() };
      }
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

  forget(visitorId: string) {
    this.pages.delete(visitorId);
  }

  /**
   * The agent typed the code the customer read. Wrong, used and expired codes get one answer and
   * count against per-caller and per-organisation limits, so guessing is bounded.
   */
  async claim(orgId: string, source: string, code: string, conversationId: string): Promise<Invite> {
    const { invite } = await this.guard.attempt({ orgId, kind: 'claim', source, conversationId }, async () => {
      const [row] = await this.deps.db.query<{ id: string; visitor_id: string }>(
        `UPDATE support_codes SET claimed_at = $4 WHERE id = (
           SELECT id FROM support_codes WHERE org_id = $1 AND code = $2 AND claimed_at IS NULL AND expires_at > $3 LIMIT 1)
         RETURNING id, visitor_id`,
        [orgId, shortCodeDigits(code), new Date(), new Date()],
      );
      const page = row ? this.pages.get(row.visitor_id) : undefined;
      if (!row || !page) throw new DomainError('invalid_code');
      try {
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
