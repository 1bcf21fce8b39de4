import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ERROR_CODE_LIST, ERROR_CODES } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('API documentation and operations', () => {
  let s: TestServer;
  let doc: any;
  before(async () => {
    s = await startTestServer('pglite');
    doc = (await s.api('GET', '/openapi.json', undefined, { token: null })).body;
  });
  after(async () => s?.close());

  test('the OpenAPI document is 3.1 and every route in it has a schema for its body and its answers', () => {
    assert.equal(doc.openapi, '3.1.0');
    const paths = Object.entries(doc.paths as Record<string, Record<string, any>>);
    assert.ok(paths.length >= 20);
    for (const [path, ops] of paths) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.summary, `${method.toUpperCase()} ${path} has a summary`);
        assert.ok(op.responses && Object.keys(op.responses).some((c) => c.startsWith('2') || c.startsWith('3')),
          `${method.toUpperCase()} ${path} documents its success answer`);
        if (['post', 'put'].includes(method) && !path.startsWith('/oauth')) {
          assert.ok(op.requestBody, `${method.toUpperCase()} ${path} documents its body`);
        }
      }
    }
  });

  test('every route the server serves appears in the OpenAPI document', () => {
    const served = s.tandem.app.printRoutes({ commonPrefix: false });
    const documented = new Set(Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, ':$1')));
    for (const route of ['/oauth/token', '/v1/conversations/:id', '/v1/invites', '/v1/invites/claim', '/v1/invites/:id', '/v1/sessions', '/v1/sessions/:id/end',
      '/v1/events', '/v1/events/stream', '/v1/webhooks', '/v1/webhooks/:id/deliveries', '/v1/deployments', '/v1/agent-tokens', '/v1/sms/outbox', '/j/:secret',
        '/healthz', '/readyz', '/metrics']) {
      assert.ok(documented.has(route), `${route} is documented`);
      assert.ok(served.includes(route.split('/').pop()!.replace(/^:/, ':')), `${route} is served`);
    }
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) {
        if (op.security) assert.ok(op.security[0].bearerAuth.length === 1, `${path} names its scope`);
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
