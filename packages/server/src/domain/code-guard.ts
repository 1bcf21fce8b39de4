import type { Deps } from './deps.ts';
import { DomainError } from './domain-error.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface CodeAttempt {
  orgId: string;
  kind: 'enter' | 'claim';
  /** Who tried: the page's IP for a customer, the API client or agent for a claim. */
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
 * Guards every use of a short code: misses count per source and per organisation; a source that
 * reaches its limit is locked out for a while; every attempt, hit, miss or refused, is recorded.
 */
export class CodeGuard {
  constructor(private readonly deps: Deps, private readonly limiter: RateLimiter) {}

  async attempt<T extends { inviteId?: string }>(a: CodeAttempt, fn: () => Promise<T>): Promise<T> {
    const { perSource, perOrg, windowMs, lockoutMs } = this.deps.config.codeRateLimit;
    const sourceKey = `code:${a.kind}:src:${a.orgId}:${a.source}`;
    const orgKey = `code:${a.kind}:org:${a.orgId}`;
    for (const [key, limit] of [[sourceKey, perSource], [orgKey, perOrg]] as const) {
      const b = this.limiter.blocked(key, limit, windowMs);
      if (!b.allowed) {
        await this.record(a, 'locked', null);
        throw new DomainError('rate_limited', `Too many code attempts: retry in ${b.retryAfterSeconds} s.`, { retryAfterSeconds: b.retryAfterSeconds });
      }
    }
    try {
      const result = await fn();
      await this.record(a, 'hit', result.inviteId ?? null);
      return result;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_code') {
        await this.record(a, 'miss', null);
        this.limiter.hit(sourceKey, perSource, windowMs);
        this.limiter.hit(orgKey, perOrg, windowMs);
        // The limit-th miss locks the source out for longer than the counting window.
        if (!this.limiter.blocked(sourceKey, perSource, windowMs).allowed) this.limiter.lock(sourceKey, lockoutMs);
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
    const rows = await this.deps.db.query<{ id: number | string; kind: 'enter' | 'claim'; source: string; outcome: CodeAttemptRecord['outcome']; conversation_id: string | null; invite_id: string | null; at: Date }>(
      `SELECT * FROM code_attempts WHERE ${where} ORDER BY id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ id: Number(r.id), kind: r.kind, source: r.source, outcome: r.outcome, conversationId: r.conversation_id, inviteId: r.invite_id, at: new Date(r.at).toISOString() }));
  }
}
