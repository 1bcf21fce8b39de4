import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../store/db.ts';
import { DomainError } from '../shared/domain-error.ts';

interface IdempotencyContext {
  orgId: string;
  key: string;
  /** This request's claim on the key; every write checks it, so a request that lost the key changes nothing. */
  owner: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotencyContext | null;
  }
  interface FastifyContextConfig {
    /**
     * How a retry answers when the request that held its key died after committing what it
     * created (the resource bound with `bindIdempotentResource`): the resource as it is now.
     */
    idempotentReplay?: (req: FastifyRequest, resourceId: string) => Promise<{ status: number; body: unknown }>;
  }
}

/** Binds the resource a request created to its key, inside the creating transaction. */
export type ResourceBinding = (q: Queryable, resourceId: string) => Promise<void>;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface KeyRow {
  fingerprint: string;
  state: string;
  status: number;
  body: unknown;
  owner: string | null;
  lease_until: Date | null;
}

/**
 * Idempotency-Key on creating POSTs: the first request's response is stored and replayed for the
 * same key and body; the same key with another body is refused. A key is reserved (leased) before
 * the work starts so two concurrent retries cannot both create. A process that dies mid-request
 * leaves its lease to run out: the next retry takes the key over and either answers with the
 * resource the dead request committed (bound to the key in the same transaction) or, if nothing
 * was committed, does the work once.
 */
export function installIdempotency(app: FastifyInstance, db: Db, opts: { leaseMs: number }) {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.routeOptions.config?.idempotent || !req.auth) return;
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0]! : raw;
    if (!KEY_PATTERN.test(key)) {
      throw new DomainError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters, e.g. a UUID.', { errors: [{ path: 'headers/idempotency-key', message: 'must be 1-255 visible ASCII characters' }] });
    }
    const orgId = req.auth.orgId;
    const fingerprint = createHash('sha256').update(`${req.method} ${req.routeOptions.url}\n${JSON.stringify(req.params)}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const owner = randomUUID();
    const lease = () => new Date(Date.now() + opts.leaseMs);
    const inserted = await db.query(
      'INSERT INTO idempotency_keys (org_id, key, fingerprint, state, owner, lease_until) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING key',
      [orgId, key, fingerprint, 'pending', owner, lease()],
    );
    if (inserted.length) {
      req.idempotency = { orgId, key, owner };
      return;
    }
    const [row] = await db.query<KeyRow>('SELECT fingerprint, state, status, body, owner, lease_until FROM idempotency_keys WHERE org_id = $1 AND key = $2', [orgId, key]);
    if (!row) throw new DomainError('idempotency_key_in_use');
    if (row.fingerprint !== fingerprint) throw new DomainError('idempotency_key_reused', `The Idempotency-Key "${key}" was first used with a different request: use a new key for a new request.`);
    if (row.state === 'done') {
      const isProblem = row.status >= 400;
      return reply
        .code(row.status)
        .header('idempotent-replayed', 'true')
        .type(isProblem ? 'application/problem+json' : 'application/json')
        .send(JSON.stringify(row.body));
    }
    const leaseLeft = row.lease_until ? new Date(row.lease_until).getTime() - Date.now() : 0;
    if (leaseLeft > 0) throw inUse(leaseLeft);

    // The holder is gone (its lease ran out): take the key over, unless another retry just did.
    const [taken] = await db.query<{ resource_id: string | null }>(
      `UPDATE idempotency_keys SET owner = $3, lease_until = $4
        WHERE org_id = $1 AND key = $2 AND state = 'pending' AND owner IS NOT DISTINCT FROM $5 RETURNING resource_id`,
      [orgId, key, owner, lease(), row.owner],
    );
    if (!taken) throw inUse(opts.leaseMs);
    req.idempotency = { orgId, key, owner };
    const replay = req.routeOptions.config.idempotentReplay;
    if (taken.resource_id && replay) {
      const { status, body } = await replay(req, taken.resource_id);
      return reply.code(status).header('idempotent-replayed', 'true').send(body);
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const ctx = req.idempotency;
    if (!ctx) return payload;
    req.idempotency = null;
    const mine = [ctx.orgId, ctx.key, ctx.owner];
    if (reply.statusCode >= 500) {
      // A server fault is not an answer: free the key so the client's retry runs again. If the
      // resource was committed before the fault, keep the binding and let the retry take it over.
      await db.query('DELETE FROM idempotency_keys WHERE org_id = $1 AND key = $2 AND owner = $3 AND resource_id IS NULL', mine);
      await db.query('UPDATE idempotency_keys SET lease_until = NULL WHERE org_id = $1 AND key = $2 AND owner = $3', mine);
      return payload;
    }
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (text !== null) {
      await db.query('UPDATE idempotency_keys SET state = $4, status = $5, body = $6 WHERE org_id = $1 AND key = $2 AND owner = $3', [...mine, 'done', reply.statusCode, text]);
    }
    return payload;
  });
}

function inUse(retryInMs: number) {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return new DomainError('idempotency_key_in_use', `A request with this Idempotency-Key is still being processed: retry in ${seconds} s to get its answer.`, { retryAfterSeconds: seconds });
}

/**
 * The binding for the request's key, or undefined when it has none. Fails (and so rolls back the
 * creating transaction) when another request took the key over meanwhile: that one answers.
 */
export function bindIdempotentResource(req: FastifyRequest): ResourceBinding | undefined {
  const ctx = req.idempotency;
  if (!ctx) return undefined;
  return async (q, resourceId) => {
    const bound = await q.query(
      'UPDATE idempotency_keys SET resource_id = $4 WHERE org_id = $1 AND key = $2 AND owner = $3 AND resource_id IS NULL RETURNING key',
      [ctx.orgId, ctx.key, ctx.owner, resourceId],
    );
    if (!bound.length) throw inUse(0);
  };
}
