import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp, type TandemApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { seedPgliteDir } from './pglite-template.ts';
import { freshPostgresDatabase } from './postgres-db.ts';

export type DbKind = 'pglite' | 'postgres';

export interface TestServer {
  url: string;
  tandem: TandemApp;
  config: Config;
  clientId: string;
  clientSecret: string;
  orgId: string;
  /** A bearer token with the given scopes (all by default). */
  token(scopes?: string[]): Promise<string>;
  /** JSON request with a token holding every scope unless `token` is given. */
  api(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** Stops the app; keeps the data so `restart` can bring it back. */
  stop(): Promise<void>;
  restart(env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * A real Tandem server on a random loopback port, with its own database: PGlite in a temp
 * directory, or a fresh database on the machine's Postgres.
 */
export async function startTestServer(kind: DbKind, env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-test-'));
  const pgdb = kind === 'postgres' ? await freshPostgresDatabase() : null;
  if (kind === 'pglite') await seedPgliteDir(path.join(dataDir, 'pglite'));
  const baseEnv = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SWEEP_INTERVAL_MS: '100',
    // Far enough apart that a busy machine's scheduling noise cannot reorder the first two waits.
    WEBHOOK_RETRY_SCHEDULE: '100ms,600ms,1200ms,2400ms,4800ms,9600ms',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
  };
  let currentEnv = { ...baseEnv, ...env };
  let config = loadConfig(currentEnv);
  let tandem = await buildApp({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), heartbeatMs: 200 });
  const boot = tandem.bootstrap!;
  let url = await tandem.listen();
  const tokens = new Map<string, string>();

  const server: TestServer = {
    get url() {
      return url;
    },
    get tandem() {
      return tandem;
    },
    get config() {
      return config;
    },
    clientId: boot.clientId,
    clientSecret: boot.clientSecret,
    orgId: boot.orgId,
    async token(scopes) {
      const key = scopes?.join(' ') ?? '*';
      const hit = tokens.get(key);
      if (hit) return hit;
      const res = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          { grant_type: 'client_credentials', client_id: boot.clientId, client_secret: boot.clientSecret, ...(scopes ? { scope: scopes.join(' ') } : {}) }),
      });
      const body = (await res.json()) as { access_token: string };
      if (res.status !== 200) throw new Error(`token request failed: ${JSON.stringify(body)}`);
      tokens.set(key, body.access_token);
      return body.access_token;
    },
    async api(method, p, body, opts = {}) {
      const token = opts.token === undefined ? await server.token() : opts.token;
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${url}${p}`,
        { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), redirect: 'manual' });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async stop() {
      await tandem.close();
    },
    async restart(extra = {}) {
      currentEnv = { ...currentEnv, ...extra };
      config = loadConfig(currentEnv);
      tandem = await buildApp({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), heartbeatMs: 200 });
      url = await tandem.listen();
    },
    async close() {
      await tandem.close();
      await pgdb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
