import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../store/db.ts';
import { DomainError } from '../domain/domain-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { orgId: string; key: string } | null;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key on creating POSTs: the first request's response is stored and replayed for the
 * same key and body; the same key with another body is refused. A key is reserved before the work
 * starts so two concurrent retries cannot both create.
 */
export function installIdempotency(app: FastifyInstance, db: Db) {
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
    const inserted = await db.query('INSERT INTO idempotency_keys (org_id, key, fingerprint, state) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key', [orgId, key, fingerprint, 'pending']);
    if (inserted.length) {
      req.idempotency = { orgId, key };
      return;
    }
    const [row] = await db.query<{ fingerprint: string; state: string; status: number; body: unknown }>('SELECT * FROM idempotency_keys WHERE org_id = $1 AND key = $2', [orgId, key]);
    if (!row) throw new DomainError('idempotency_key_in_use');
    if (row.fingerprint !== fingerprint) throw new DomainError('idempotency_key_reused', `The Idempotency-Key "${key}" was first used with a different request: use a new key for a new request.`);
    if (row.state !== 'done') throw new DomainError('idempotency_key_in_use');
    const isProblem = row.status >= 400;
    return reply
      .code(row.status)
      .header('idempotent-replayed', 'true')
      .type(isProblem ? 'application/problem+json' : 'application/json')
      .send(JSON.stringify(row.body));
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const ctx = req.idempotency;
    if (!ctx) return payload;
    req.idempotency = null;
    if (reply.statusCode >= 500) {
      // A server fault is not an answer: free the key so the client's retry runs again.
      await db.query('DELETE FROM idempotency_keys WHERE org_id = $1 AND key = $2', [ctx.orgId, ctx.key]);
      return payload;
    }
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (text !== null) {
      await db.query('UPDATE idempotency_keys SET state = $3, status = $4, body = $5 WHERE org_id = $1 AND key = $2', [ctx.orgId, ctx.key, 'done', reply.statusCode, text]);
    }
    return payload;
  });
}
