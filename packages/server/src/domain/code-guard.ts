import type { Deps } from './deps.ts';
import { DomainError } from '../shared/domain-error.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface CodeAttempt {
  orgId: string;
  kind: 'enter' | 'claim';
  /** Who tried: the page's address (attemptSource) for a customer, the API client for a claim. */
  source: string;
  conversationId?: string;
}

export interface CodeAttemptRecord {
  id: number;
  kind: 'enter' | 'claim';
  source: string;
  outcome: 'hit' | 'miss' | 'locked';
  conversationId: string | null;
  inviteId: string | null;
  at: string;
}

/**
 * Guards every use of a short code. Each source has a budget of misses: the one that reaches it
 * locks that source out for CODE_LOCKOUT_SECONDS. Only the source's own misses count against it,
 * so a flood from other sources never refuses a customer's right code; the organisation-wide
 * count only raises an alarm. What bounds guessing is the code space against the per-source
 * budget (README, Security: the odds).
 */
export class CodeGuard {
  constructor(private readonly deps: Deps, private readonly limiter: RateLimiter) {}

  async attempt<T extends { inviteId?: string }>(a: CodeAttempt, fn: () => Promise<T>): Promise<T> {
    const { perSource, perOrg, windowMs, lockoutMs } = this.deps.config.codeRateLimit;
    const sourceKey = `code:${a.kind}:src:${a.orgId}:${a.source}`;
    // Counted before the code is looked up, so attempts sent side by side cannot all slip in
    // under the budget while the first ones are still being checked; a hit gives its count back.
    const counted = await this.limiter.hit(sourceKey, perSource, windowMs);
    if (!counted.allowed) {
      // One record per source and lockout: a locked-out flood must not fill the audit table.
      if ((await this.limiter.hit(`code:${a.kind}:locked-noted:${a.orgId}:${a.source}`, 1, lockoutMs)).allowed) await this.record(a, 'locked', null);
      throw new DomainError('rate_limited', `Too many wrong codes from here: retry in ${counted.retryAfterSeconds} s.`,
        { retryAfterSeconds: counted.retryAfterSeconds });
    }
    try {
      const result = await fn();
      await this.limiter.refund(sourceKey);
      await this.record(a, 'hit', result.inviteId ?? null);
      return result;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_code') {
        await this.record(a, 'miss', null);
        // The budget's last miss locks the source out for longer than the counting window.
        if (!(await this.limiter.blocked(sourceKey, perSource, windowMs)).allowed) await this.limiter.lock(sourceKey, lockoutMs);
        const org = await this.limiter.hit(`code:${a.kind}:org:${a.orgId}`, perOrg, windowMs);
        if (!org.allowed && (await this.limiter.hit(`code:${a.kind}:org-alarm:${a.orgId}`, 1, windowMs)).allowed) {
          this.deps.log.warn({ orgId: a.orgId, kind: a.kind, missesPerWindow: perOrg, windowMs },
            'many wrong codes across the organisation: someone may be guessing');
        }
      } else {
        await this.limiter.refund(sourceKey);
      }
      throw err;
    }
  }

  private async record(a: CodeAttempt, outcome: CodeAttemptRecord['outcome'], inviteId: string | null) {
    await this.deps.db.query(
      'INSERT INTO code_attempts (org_id, kind, source, outcome, conversation_id, invite_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [a.orgId, a.kind, a.source, outcome, a.conversationId ?? null, inviteId, new Date()],
    );
  }
  async list(orgId: string, opts: { before?: number; limit: number }): Promise<CodeAttemptRecord[]> {
    const params: unknown[] = [orgId, opts.limit];
    let where = 'org_id = $1';
    if (opts.before) {
      params.push(opts.before);
      where += ` AND id < $${params.length}`;
    }
    const rows = await this.deps.db.query<{ id: number | string; kind: 'enter' | 'claim'; source: string; outcome: CodeAttemptRecord['outcome'];
      conversation_id: string | null; invite_id: string | null; at: Date }>(
      `SELECT * FROM code_attempts WHERE ${where} ORDER BY id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ id: Number(r.id), kind: r.kind, source: r.source, outcome: r.outcome, conversationId: r.conversation_id, inviteId: r.invite_id,
      at: new Date(r.at).toISOString() }));
  }
}
