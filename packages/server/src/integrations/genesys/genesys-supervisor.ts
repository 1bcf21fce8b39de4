import { GenesysConnector, type ConnectorDeps } from './genesys-connector.ts';
import type { GenesysLinkStore } from './genesys-link-store.ts';

/**
 * Runs one connector per linked org on this node and follows changes to the links: at once for
 * a change made through this node, and by a periodic look at the table for changes made through
 * another. Whether a connector actually holds the channel is the lease's business.
 */
export class GenesysSupervisor {
  private readonly running = new Map<string, { connector: GenesysConnector; version: number }>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly store: GenesysLinkStore, private readonly deps: ConnectorDeps) {}

  start(): void {
    this.changed();
    this.timer = setInterval(() => this.changed(), Math.max(100, this.deps.config.leaseMs / 2));
    this.timer.unref();
  }

  /** Re-reads the links (serially: two scans never start the same connector twice). */
  changed(): void {
    this.scanning = this.scanning.then(() => this.scan()).catch((err: unknown) => this.deps.log.warn({ err }, 'genesys: could not read the links'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.scanning;
    await Promise.all([...this.running.values()].map((r) => r.connector.stop()));
    this.running.clear();
  }

  private async scan(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.store.all();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.org_id);
      const version = new Date(row.updated_at).getTime();
      const current = this.running.get(row.org_id);
      if (current?.version === version) continue;
      if (current) await current.connector.stop();
      const connector = new GenesysConnector(row, this.deps);
      this.running.set(row.org_id, { connector, version });
      connector.start();
    }
    for (const [org, r] of this.running) {
      if (seen.has(org)) continue;
      await r.connector.stop();
      this.running.delete(org);
    }
  }
}
