import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { problem, sendProblem } from './problem.ts';
import type { Metrics } from './metrics.ts';
import type { Services } from './services.ts';
import { DomainError } from '../domain/domain-error.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** With METRICS_TOKEN set, a scrape must send it as a bearer token (compared in constant time). */
function checkMetricsToken(req: FastifyRequest, expected: string | null) {
  if (expected === null) return;
  const sent = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(digest(sent), digest(expected))) {
    throw new DomainError('invalid_token', 'This server protects /metrics: send `Authorization: Bearer <METRICS_TOKEN>` (set bearer_token in the Prometheus scrape config).');
  }
}

export function opsRoutes(app: FastifyInstance, s: Services, metrics: Metrics) {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: the database answers',
      response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }), 503: Type.Object({}, { additionalProperties: true }) },
    },
  }, async (req, reply) => {
    try {
      await Promise.race([s.db.query('SELECT 1'), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
      return { status: 'ready' as const, database: s.db.kind };
    } catch (err) {
      return sendProblem(reply, problem('not_ready', req.id, `The database (${s.db.kind}) did not answer: ${(err as Error).message}.`));
    }
  });

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (a bearer token when the server sets METRICS_TOKEN)', response: { 200: Type.String() } },
  }, async (req, reply) => {
    checkMetricsToken(req, s.config.metricsToken);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
