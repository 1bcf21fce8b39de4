import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Gauge } from 'prom-client';
import { problem, sendProblem } from './problem.ts';
import type { Metrics } from '../wiring/metrics.ts';
import type { Services } from '../wiring/services.ts';
import { DomainError } from '../shared/domain-error.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** With METRICS_TOKEN set, a scrape must send it as a bearer token (compared in constant time). */
function checkMetricsToken(req: FastifyRequest, expected: string | null) {
  if (expected === null) return;
  const sent = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (!timingSafeEqual(digest(sent), digest(expected))) {
    throw new DomainError('invalid_token',
      'This server protects /metrics: send `Authorization: Bearer <METRICS_TOKEN>` (set bearer_token in the Prometheus scrape config).');
  }
}

export function opsRoutes(app: FastifyInstance, s: Services, metrics: Metrics) {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  // Read at each scrape, so an alert sees an outage even when no request failed.
  new Gauge({ name: 'tandem_store_up', help: '1 while the database answers, 0 while it is unreachable', registers: [metrics.registry], collect() {
    this.set(s.db.health().state === 'up' ? 1 : 0);
  } });
  new Gauge({ name: 'tandem_bus_up', help: '1 while the bus (Redis) is connected, 0 while this node runs degraded', registers: [metrics.registry], collect() {
    this.set(s.bus.health().state === 'up' ? 1 : 0);
  } });

  const Health = Type.Object({
    state: Type.Union([Type.Literal('up'), Type.Literal('down')]),
    reason: Type.Union([Type.String(), Type.Null()]),
    since: Type.Union([Type.String(), Type.Null()]),
  });
  const components = () => ({ database: s.db.kind, store: s.db.health(), bus: { kind: s.bus.kind, ...s.bus.health() } });

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: the database answers (503 not_ready if not); `degraded` when the bus (Redis) is down',
      response: {
        200: Type.Object({
          status: Type.Union([Type.Literal('ready'), Type.Literal('degraded')]),
          database: Type.String(),
          store: Health,
          bus: Type.Intersect([Type.Object({ kind: Type.String() }), Health]),
          detail: Type.Optional(Type.String()),
        }),
        503: Type.Object({}, { additionalProperties: true }),
      },
    },
  }, async (req, reply) => {
    const store = s.db.health();
    if (store.state === 'down') {
      return sendProblem(reply,
        problem('not_ready', req.id,
          `The database (${s.db.kind}) is unreachable since ${store.since}: ${store.reason}. API requests answer 503 store_unavailable until it is back; ` +
            `live relays keep flowing.`, components()));
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([s.probeStore(), new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('no answer within 2 s')), 2000)))]);
    } catch (err) {
      return sendProblem(reply, problem('not_ready', req.id, `The database (${s.db.kind}) did not answer: ${(err as Error).message}.`, components()));
    } finally {
      clearTimeout(timer);
    }
    const c = components();
    if (c.bus.state === 'down') {
      return { status: 'degraded' as const, ...c,
        detail: `The bus (${s.bus.kind}) is down since ${c.bus.since}: ${c.bus.reason}. This node serves its own sockets; other nodes miss its events until ` +
          `the bus is back, then consoles and streams catch up.` };
    }
    return { status: 'ready' as const, ...c };
  });

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (a bearer token when the server sets METRICS_TOKEN)', response: { 200: Type.String() } },
  }, async (req, reply) => {
    checkMetricsToken(req, s.config.metricsToken);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
