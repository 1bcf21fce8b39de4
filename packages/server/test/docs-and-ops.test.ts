import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES, ERROR_CODE_LIST, ERROR_CODES, SCOPES, VISITOR_ERROR_CODES, type Scope } from '@tandem/protocol';
import Fastify from 'fastify';
import { installRouteMetadata } from '../src/api/route-metadata.ts';
import { loadConfig } from '../src/config.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** What the auth hook answers when a token is missing or lacks the scope. */
const isAuthRefusal = (a: { code: string | null }) => a.code === 'invalid_token' || a.code === 'insufficient_scope';

describe('API documentation and operations', () => {
  let s: TestServer;
  let doc: any;
  before(async () => {
    s = await startTestServer('pglite');
    doc = (await s.api('GET', '/openapi.json', undefined, { token: null })).body;
  });
  after(async () => s?.close());

  /** One request with no body; only the status and the problem code are read (a stream is cut after its headers). */
  async function probe(method: string, path: string, token: string | null): Promise<{ status: number; code: string | null }> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const res = await fetch(`${s.url}${path}`, { method: method.toUpperCase(), headers, redirect: 'manual' });
    if (!/json/.test(res.headers.get('content-type') ?? '')) {
      await res.body?.cancel();
      return { status: res.status, code: null };
    }
    const body = (await res.json()) as { code?: string };
    return { status: res.status, code: body.code ?? null };
  }

  test('the OpenAPI document is 3.1 and every route in it has a schema for its body and its answers', () => {
    assert.equal(doc.openapi, '3.1.0');
    const paths = Object.entries(doc.paths as Record<string, Record<string, any>>);
    assert.ok(paths.length >= 20);
    for (const [path, ops] of paths) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.summary, `${method.toUpperCase()} ${path} has a summary`);
        const success = Object.keys(op.responses ?? {}).some((c) => c.startsWith('2') || c.startsWith('3'));
        assert.ok(success, `${method.toUpperCase()} ${path} documents its success answer`);
        if (['post', 'put'].includes(method) && !path.startsWith('/oauth')) {
          assert.ok(op.requestBody, `${method.toUpperCase()} ${path} documents its body`);
        }
      }
    }
  });

  test('the routes the server serves and the paths of the OpenAPI document are the same, each with the scope it declares', () => {
    const served = s.tandem.app.routeTable;
    const key = (method: string, url: string) => `${method.toUpperCase()} ${url}`;
    const documented = new Map<string, any>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) documented.set(key(method, path.replace(/\{(\w+)\}/g, ':$1')), op);
    }
    const shown = served.filter((r) => r.documented).map((r) => key(r.method, r.url));
    assert.deepEqual(shown.filter((k) => !documented.has(k)), [], 'served routes missing from the OpenAPI document');
    assert.deepEqual([...documented.keys()].filter((k) => !shown.includes(k)), [], 'OpenAPI paths the server does not serve');
    for (const r of served.filter((x) => x.documented)) {
      const security = documented.get(key(r.method, r.url)).security;
      assert.deepEqual(security ?? [], r.scopes.map((scope) => ({ bearerAuth: [scope] })), `${key(r.method, r.url)} documents the scope it enforces`);
    }
    // Left out on purpose: the documentation itself and CORS preflight. Anything else hidden fails here.
    const hidden = served.filter((r) => !r.documented).map((r) => key(r.method, r.url));
    assert.deepEqual(hidden.filter((k) => !/^GET \/(docs|openapi\.json)\b/.test(k) && k !== 'OPTIONS *'), [], 'routes hidden from the OpenAPI document');
  });

  test('a route declares its scope once: one that also writes schema.security is refused when it is registered', () => {
    const app = Fastify();
    installRouteMetadata(app);
    app.get('/v1/declared-once', { config: { scope: 'sessions:read' }, schema: { summary: 'once' } }, async () => ({}));
    assert.deepEqual(app.routeTable.find((r) => r.url === '/v1/declared-once')?.scopes, ['sessions:read']);
    assert.throws(
      () => app.get('/v1/declared-twice', { config: { scope: 'sessions:read' }, schema: { security: [{ bearerAuth: ['sessions:read'] }] } }, async () => ({})),
      /declare the scope once, in config\.scope/,
    );
  });

  test('every documented operation enforces exactly the scopes its OpenAPI security names', async () => {
    const tokens = new Map<Scope, string>();
    for (const scope of SCOPES) tokens.set(scope, await s.token([scope]));
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      const url = path.replace(/\{(\w+)\}/g, 'x_missing');
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${path}`;
        const scopes: Scope[] = (op.security ?? []).map((r: { bearerAuth: Scope[] }) => r.bearerAuth[0]);
        const anonymous = await probe(method, url, null);
        if (scopes.length === 0) {
          assert.ok(!isAuthRefusal(anonymous), `${name} is public as documented (got ${anonymous.status} ${anonymous.code})`);
          continue;
        }
        assert.equal(anonymous.code, 'invalid_token', `${name} refuses a request without a token`);
        for (const scope of SCOPES) {
          const answer = await probe(method, url, tokens.get(scope)!);
          if (scopes.includes(scope)) assert.ok(!isAuthRefusal(answer), `${name} lets "${scope}" in (got ${answer.status} ${answer.code})`);
          else assert.equal(answer.code, 'insufficient_scope', `${name} refuses a token with only "${scope}"`);
        }
      }
    }
  });

  test('every error code is in the OpenAPI document and in the README error table, and nothing else is', () => {
    const text = JSON.stringify(doc);
    for (const code of ERROR_CODE_LIST) {
      assert.ok(text.includes(`"${code}"`), `${code} in OpenAPI`);
      const row = new RegExp(`^\\| \`${code}\` \\| ${ERROR_CODES[code].status} \\|`, 'm');
      assert.match(README, row, `${code} in the README table with status ${ERROR_CODES[code].status}`);
    }
    const readmeCodes = [...README.matchAll(/^\| `([a-z_]+)` \| \d{3} \|/gm)].map((m) => m[1]);
    assert.deepEqual(readmeCodes.filter((c) => !ERROR_CODE_LIST.includes(c as never)), [], 'no stale codes in the README');
  });

  test('the docs page is served for people', async () => {
    const res = await fetch(`${s.url}/docs/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /swagger/i);
  });

  test('health, readiness and Prometheus metrics', async () => {
    assert.deepEqual((await s.api('GET', '/healthz', undefined, { token: null })).body, { status: 'ok' });
    const ready = await s.api('GET', '/readyz', undefined, { token: null });
    assert.equal(ready.status, 200);
    assert.equal(ready.body.database, 'pglite');
    await s.api('GET', '/v1/events');
    const metrics = await s.api('GET', '/metrics', undefined, { token: null });
    assert.match(metrics.headers.get('content-type')!, /text\/plain/);
    assert.match(metrics.text, /tandem_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/events"/);
    assert.match(metrics.text, /process_resident_memory_bytes/);
  });

  test('readiness fails with not_ready when the database is gone', async () => {
    const other = await startTestServer('pglite');
    await other.tandem.services.db.close();
    const res = await other.api('GET', '/readyz', undefined, { token: null });
    assert.equal(res.status, 503);
    assert.equal(res.body.code, 'not_ready');
    await other.tandem.app.close();
  });
});

/** The text of the README section under a heading, up to the next heading of any level. */
function readmeSection(title: string): string {
  const section = README.split(/^#{2,4} /m).find((s) => s.startsWith(`${title}\n`));
  assert.ok(section, `the README has a "${title}" section`);
  return section;
}

describe('wire registries in the README', () => {
  test('every close code is in the README table with its name and reason, and nothing else is', () => {
    const rows = [...readmeSection('WebSocket close codes and visitor errors').matchAll(/^\| `(\d{4})` \| `([A-Z_]+)` \| ([^|]+) \|$/gm)];
    const documented = rows.map((m) => `${m[1]} ${m[2]} ${m[3]!.trim()}`).sort();
    const registered = Object.entries(CLOSE_CODES).map(([name, c]) => `${c.code} ${name} ${c.reason}`).sort();
    assert.deepEqual(documented.filter((r) => !registered.includes(r)), [], 'README rows with no such close code (or another name or reason)');
    assert.deepEqual(registered.filter((r) => !documented.includes(r)), [], 'close codes missing from the README table');
  });

  test('every visitor error code is in the README table, and nothing else is', () => {
    const rows = [...readmeSection('WebSocket close codes and visitor errors').matchAll(/^\| `([a-z_]+)` \| [^|]+ \|$/gm)].map((m) => m[1]!);
    assert.deepEqual(rows.filter((c) => !VISITOR_ERROR_CODES.includes(c as never)), [], 'README rows with no such visitor error code');
    assert.deepEqual(VISITOR_ERROR_CODES.filter((c) => !rows.includes(c)), [], 'visitor error codes missing from the README table');
  });
});

/**
 * The variables the configuration reads, found by running it on environments that record every
 * name asked for (once per SMS provider, since each reads its own settings).
 */
function variablesRead(): Set<string> {
  const read = new Set<string>();
  for (const provider of [undefined, 'outbox', 'webhook', 'twilio', 'genesys']) {
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_, name) => {
        if (typeof name === 'string') read.add(name);
        return name === 'SMS_PROVIDER' ? provider : undefined;
      },
      has: (_, name) => (typeof name === 'string' && read.add(name), false),
    });
    try {
      loadConfig(env);
    } catch {
      // A provider without its settings is refused; the names it asked for are what counts.
    }
  }
  return read;
}

describe('configuration in the README', () => {
  test('every variable the server reads is in the Configuration table, and the table names no other', () => {
    const rows = readmeSection('Configuration').split('\n').filter((l) => l.startsWith('| `'));
    const documented = new Set(rows.flatMap((r) => [...r.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    const read = variablesRead();
    assert.ok(read.has('DATABASE_STATEMENT_TIMEOUT_MS') && read.has('TWILIO_AUTH_TOKEN'), 'the recording environment saw the reads');
    assert.deepEqual([...read].filter((v) => !documented.has(v)).sort(), [], 'variables read but missing from the README Configuration table');
    assert.deepEqual([...documented].filter((v) => !read.has(v)).sort(), [], 'README Configuration rows the server never reads');
  });

  test('every timeout and retry window of the Operations section is a variable the server reads', () => {
    const ops = ['Outages: Postgres and Redis', 'Crashes and durable timers', 'Timeouts and retry windows'].map(readmeSection).join('\n');
    const named = new Set([...ops.matchAll(/`([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1]!));
    const read = variablesRead();
    assert.deepEqual([...named].filter((v) => !read.has(v)).sort(), [], 'variables named in Operations that the server does not read');
    for (const v of ['DATABASE_CONNECT_TIMEOUT_MS', 'DATABASE_STATEMENT_TIMEOUT_MS', 'DATABASE_IDLE_TIMEOUT_MS', 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
      'REDIS_COMMAND_TIMEOUT_MS', 'RESUME_WINDOW_SECONDS', 'SWEEP_INTERVAL_MS', 'IDEMPOTENCY_LEASE_SECONDS', 'WEBHOOK_RETRY_SCHEDULE', 'WEBHOOK_MAX_ATTEMPTS',
      'SMS_MAX_ATTEMPTS', 'SMS_RETRY_BASE_MS', 'SMS_TIMEOUT_MS', 'INVITE_EXPIRY_SECONDS', 'PRESENCE_TTL_SECONDS']) {
      assert.ok(named.has(v), `the Operations section says what ${v} bounds`);
    }
  });
});
