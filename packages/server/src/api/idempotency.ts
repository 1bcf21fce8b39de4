import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyKeys, type IdempotencyClaim, type ResourceBinding } from '../domain/idempotency-record.ts';
import { DomainError } from '../shared/domain-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotencyClaim | null;
  }
  interface FastifyContextConfig {
    /**
     * How a retry answers when the request that held its key died after committing what it
     * created (the resource bound with `bindIdempotentResource`): the resource as it is now.
     */
    idempotentReplay?: (req: FastifyRequest, resourceId: string) => Promise<{ status: number; body: unknown }>;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key on creating POSTs: the first request's response is stored and replayed for the
 * same key and body; the same key with another body is refused. A key is reserved (leased) before
 * the work starts so two concurrent retries cannot both create. A process that dies mid-request
 * leaves its lease to run out: the next retry takes the key over and either answers with the
 * resource the dead request committed (bound to the key in the same transaction) or, if nothing
 * was committed, does the work once.
 */
export function installIdempotency(app: FastifyInstance, keys: IdempotencyKeys, opts: { leaseMs: number }) {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.routeOptions.config?.idempotent || !req.auth) return;
    const raw = req.headers['idempotency-key'];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0]! : raw;
    if (!KEY_PATTERN.test(key)) {
      throw new DomainError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters, e.g. a UUID.',
        { errors: [{ path: 'headers/idempotency-key', message: 'must be 1-255 visible ASCII characters' }] });
    }
    const orgId = req.auth.orgId;
    const fingerprint =
      createHash('sha256').update(`${req.method} ${req.routeOptions.url}\n${JSON.stringify(req.params)}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const owner = randomUUID();
    const lease = () => new Date(Date.now() + opts.leaseMs);
    const claim: IdempotencyClaim = { orgId, key, owner };
    if (await keys.reserve(claim, fingerprint, lease())) {
      req.idempotency = claim;
      return;
    }
    const row = await keys.read(orgId, key);
    if (!row) throw new DomainError('idempotency_key_in_use');
    if (row.fingerprint !== fingerprint) throw new DomainError('idempotency_key_reused',
      `The Idempotency-Key "${key}" was first used with a different request: use a new key for a new request.`);
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
    const taken = await keys.takeOver(claim, lease(), row.owner);
    if (!taken) throw inUse(opts.leaseMs);
    req.idempotency = claim;
    const replay = req.routeOptions.config.idempotentReplay;
    if (taken.resourceId && replay) {
      const { status, body } = await replay(req, taken.resourceId);
      return reply.code(status).header('idempotent-replayed', 'true').send(body);
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const ctx = req.idempotency;
    if (!ctx) return payload;
    req.idempotency = null;
    if (reply.statusCode >= 500) {
      await keys.release(ctx);
      return payload;
    }
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (text !== null) await keys.complete(ctx, reply.statusCode, text);
    return payload;
  });
}

function inUse(retryInMs: number) {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return new DomainError('idempotency_key_in_use', `A request with this Idempotency-Key is still being processed: retry in ${seconds} s to get its answer.`,
    { retryAfterSeconds: seconds });
}

/**
 * The binding for the request's key, or undefined when it has none. Fails (and so rolls back the
 * creating transaction) when another request took the key over meanwhile: that one answers.
 */
export function bindIdempotentResource(req: FastifyRequest): ResourceBinding | undefined {
  const ctx = req.idempotency;
  if (!ctx) return undefined;
  return async (q, resourceId) => {
    if (!(await IdempotencyKeys.bind(q, ctx, resourceId))) throw inUse(0);
  };
}
