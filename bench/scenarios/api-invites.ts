import type { BenchRow } from '../harness/result-table.ts';
import { summarize } from '../harness/stats.ts';
import { startServerProcess } from '../harness/server-process.ts';
import { BenchApi } from '../harness/tandem-setup.ts';
import { freshPostgresDatabase } from '../../packages/server/test/postgres-db.ts';

/** Runs `fire` with `concurrency` callers for `ms`; returns per-request latencies. */
async function load(fire: () => Promise<number>, concurrency: number, ms: number) {
  const latencies: number[] = [];
  const end = Date.now() + ms;
  let errors = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const t0 = performance.now();
      const status = await fire();
      if (status >= 400) errors++;
      latencies.push(performance.now() - t0);
    }
  }));
  return { latencies, perSecond: latencies.length / (ms / 1000), errors };
}

/** Invites created per second and their p99, on PGlite and on Postgres, beside a bare route. */
export async function apiInvites(opts: { durationMs: number; concurrency: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const pg = kind === 'postgres' ? await freshPostgresDatabase() : null;
    const server = await startServerProcess(pg ? { DATABASE_URL: pg.url } : {});
    try {
      const api = await new BenchApi(server.url, server.clientId, server.clientSecret).login();
      await api.call('PUT', '/v1/conversations/bench-call', { state: 'connected', customer: { id: 'c1' }, agent: { id: 'a1', name: 'A' } });
      const token = (api as unknown as { token: string }).token;
      const invite = () =>
        fetch(`${server.url}/v1/invites`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{"conversationId":"bench-call","channels":["code"]}' }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      const bare = () => fetch(`${server.url}/healthz`).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });
      await load(bare, 2, 300);
      const base = await load(bare, opts.concurrency, opts.durationMs);
      const inv = await load(invite, opts.concurrency, opts.durationMs);
      const b = summarize(base.latencies);
      const t = summarize(inv.latencies);
      rows.push(
        { scenario: `API (${kind})`, metric: 'requests/s: POST /v1/invites vs GET /healthz', tandem: inv.perSecond, baseline: base.perSecond, unit: 'req/s',
          better: 'higher', target: 'report', met: null, note: inv.errors ? `${inv.errors} errors` : undefined },
        { scenario: `API (${kind})`, metric: 'p99 latency', tandem: t.p99, baseline: b.p99, unit: 'ms', better: 'lower', target: 'report', met: null },
      );
    } finally {
      await server.stop();
      await pg?.drop();
    }
  }
  return rows;
}
