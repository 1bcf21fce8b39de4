import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RelayMemory {
  heldBytes: number;
  peakSessionBytes: number;
}

/** Prometheus metrics of one server; a registry per app so tests can run several apps. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Read at scrape time from whatever holds the live sessions (set by the app once it exists).
  const relays = { read: (): RelayMemory => ({ heldBytes: 0, peakSessionBytes: 0 }) };
  return {
    registry,
    watchRelays(read: () => RelayMemory) {
      relays.read = read;
    },
    httpDuration: new Histogram({
      name: 'tandem_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    sockets: new Gauge({ name: 'tandem_sockets', help: 'Open WebSockets on this node, by kind (visitor, capture, agent)', labelNames: ['kind'] as const,
      registers: [registry] }),
    socketCloses: new Counter({ name: 'tandem_socket_closes_total', help: 'WebSockets closed by the server, by kind and close reason',
      labelNames: ['kind', 'reason'] as const, registers: [registry] }),
    socketRefusals: new Counter({ name: 'tandem_socket_refusals_total', help: 'WebSockets refused because their source held too many, by kind',
      labelNames: ['kind'] as const, registers: [registry] }),
    relayHeldBytes: new Gauge({
      name: 'tandem_relay_held_bytes',
      help: 'Bytes the live sessions on this node hold now: cached frames and unsent socket queues',
      registers: [registry],
      collect() {
        this.set(relays.read().heldBytes);
      },
    }),
    relaySessionPeakBytes: new Gauge({
      name: 'tandem_relay_session_peak_bytes',
      help: 'The most any one session on this node has held at once since start (cached frames and socket queues)',
      registers: [registry],
      collect() {
        this.set(relays.read().peakSessionBytes);
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

export function installRequestMetrics(app: FastifyInstance, metrics: Metrics) {
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
