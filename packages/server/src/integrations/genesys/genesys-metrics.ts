import { Counter, type Registry } from 'prom-client';

/** What the connector counts, per Tandem organisation. */
export function createGenesysMetrics(registry: Registry) {
  return {
    notifications: new Counter({ name: 'tandem_genesys_notifications_total', help:
      'Genesys notifications by outcome (applied, unchanged, ignored_*, malformed, failed)', labelNames: ['org', 'outcome'] as const, registers: [registry] }),
    streamEnds: new Counter({ name: 'tandem_genesys_stream_ends_total', help: 'Genesys notification streams ended, by reason',
      labelNames: ['org', 'reason'] as const, registers: [registry] }),
    failures:
      new Counter({ name: 'tandem_genesys_failures_total', help: 'Failed attempts to connect to Genesys, by kind (credentials, forbidden, rate_limited, ...)',
        labelNames: ['org', 'failure'] as const, registers: [registry] }),
    resyncs: new Counter({ name: 'tandem_genesys_resyncs_total', help: 'Calls re-read from the Conversations API after a gap, by outcome',
      labelNames: ['org', 'outcome'] as const, registers: [registry] }),
  };
}

export type GenesysMetrics = ReturnType<typeof createGenesysMetrics>;
