import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { freshPostgresDatabase } from './postgres-db.ts';

const TRIES = 4;
/**
 * Both nodes run in this one process, on a machine other tests load too: the statement bound
 * (1.5 s by default) is not what is tested here, and a plain start-up SELECT once took longer.
 */
const STATEMENT_TIMEOUT_MS = '10000';

describe('first start of two nodes together on an empty database', () => {
  test(`exactly one bootstraps: one organisation, one set of printed credentials (${TRIES} tries)`, async (t) => {
    const figures: string[] = [];
    const startMs: number[] = [];
    let extra = 0;
    for (let i = 0; i < TRIES; i++) {
      const db = await freshPostgresDatabase();
      const dirs = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'tandem-boot-')));
      try {
        const started = Date.now();
        const nodes = await Promise.all(
          dirs.map((dir) => {
            const env = { PORT: '0', DATA_DIR: dir, DATABASE_URL: db.url, LOG_LEVEL: 'silent', DATABASE_STATEMENT_TIMEOUT_MS: STATEMENT_TIMEOUT_MS };
            return buildApp({ config: loadConfig(env), logger: pino({ level: 'silent' }) });
          }),
        );
        startMs.push(Date.now() - started);
        try {
          const printed = nodes.filter((n) => n.bootstrap);
          const admin = new pg.Client({ connectionString: db.url });
          await admin.connect();
          const orgs = (await admin.query('SELECT id FROM orgs')).rows as { id: string }[];
          const clients = (await admin.query('SELECT id, org_id FROM api_clients')).rows as { id: string; org_id: string }[];
          await admin.end();
          figures.push(`${orgs.length} org, ${printed.length} printed`);
          extra += Math.max(0, orgs.length - 1) + Math.max(0, printed.length - 1);
          assert.equal(orgs.length, 1, `try ${i + 1}: organisations created`);
          assert.equal(printed.length, 1, `try ${i + 1}: nodes that printed credentials`);
          assert.deepEqual(clients.map((c) => [c.id, c.org_id]), [[printed[0]!.bootstrap!.clientId, orgs[0]!.id]],
            'the printed client belongs to the one organisation');
        } finally {
          for (const n of nodes) await n.close();
        }
      } finally {
        await db.drop();
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    }
    t.diagnostic(`fault: two nodes first started together on an empty database: ${TRIES} tries (${figures.join('; ')}); ` +
      `both nodes up ${Math.min(...startMs)}–${Math.max(...startMs)} ms after the start; duplicates (a second organisation or set of credentials) ${extra}`);
  });
});
