// The browser bundles as a browser receives them: compressed in the best encoding it accepts,
// byte for byte the built file once decoded, and a 304 without a body when it already has them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chooseEncoding } from '../src/api/bundle-cache.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const LOADER = readFileSync(new URL('../../sdk/dist/loader.js', import.meta.url));
const CONSOLE_JS = readFileSync(new URL('../../agent/dist/console.js', import.meta.url));

interface Raw { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** A GET with exactly these headers (fetch would add and undo its own Accept-Encoding). */
function get(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

describe('serving the SDK and console bundles', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite');
  });
  after(async () => s?.close());

  test('sdk.js in brotli, gzip or as it is, as the browser accepts; each decodes to the built file', async () => {
    const br = await get(`${s.url}/sdk.js`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['vary'], 'accept-encoding');
    assert.equal(br.headers['access-control-allow-origin'], '*');
    assert.deepEqual(brotliDecompressSync(br.body), LOADER);
    assert.ok(br.body.length < LOADER.length / 2, `${br.body.length} bytes sent for a ${LOADER.length}-byte loader`);

    const gz = await get(`${s.url}/sdk.js`, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.body), LOADER);

    const plain = await get(`${s.url}/sdk.js`, {});
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(plain.body, LOADER);
    // Three representations, three ETags.
    assert.equal(new Set([br.headers['etag'], gz.headers['etag'], plain.headers['etag']]).size, 3);
  });

  test('a browser that has the console asks with its ETag and gets a 304 without a body; another ETag gets the file', async () => {
    const first = await get(`${s.url}/agent/console.js`, { 'accept-encoding': 'gzip' });
    assert.equal(first.status, 200);
    assert.deepEqual(gunzipSync(first.body), CONSOLE_JS);
    const etag = first.headers['etag'] as string;
    assert.match(etag, /^"[\w-]+"$/);
    assert.equal(first.headers['cache-control'], 'no-cache');

    const again = await get(`${s.url}/agent/console.js`, { 'accept-encoding': 'gzip', 'if-none-match': `W/"other", ${etag}` });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers['etag'], etag);

    const stale = await get(`${s.url}/agent/console.js`, { 'accept-encoding': 'gzip', 'if-none-match': '"an-older-build"' });
    assert.equal(stale.status, 200);
    assert.deepEqual(gunzipSync(stale.body), CONSOLE_JS);
  });

  test('the console page keeps its policy headers; a bundle that is not built says how to build it', async () => {
    const page = await get(`${s.url}/console`, { 'accept-encoding': 'br' });
    assert.equal(page.status, 200);
    const policy = String(page.headers['content-security-policy']);
    const html = brotliDecompressSync(page.body).toString('utf8');
    assert.match(html, /<html/i);
    // The header and the page's meta tag are one policy: our scripts, and the page's one inline
    // script by its hash (a header without that hash would block the console's socket).
    assert.equal(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1], policy);
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    assert.equal(inline.length, 1, 'one inline script');
    const hash = createHash('sha256').update(inline[0]!).digest('base64');
    assert.match(policy, new RegExp(`script-src 'self' 'sha256-${hash.replace(/[+/]/g, '\\$&')}';`));
    assert.doesNotMatch(policy.split(';').find((d) => d.trim().startsWith('script-src'))!, /unsafe/);
    const elsewhere = await get(`${s.url}/agent/console.html`, {});
    assert.equal(elsewhere.status, 404, 'the page is served only at /console, with its headers');
    const missing = await get(`${s.url}/sdk/nothing-here.js`, { 'accept-encoding': 'gzip' });
    assert.equal(missing.status, 404);
    assert.match(missing.body.toString('utf8'), /run bash scripts\/build-bundles\.sh/);
  });

  test('Accept-Encoding: the best one offered, q=0 refuses, identity when nothing fits', () => {
    assert.equal(chooseEncoding('gzip, deflate, br'), 'br');
    assert.equal(chooseEncoding('br;q=0, gzip;q=0.8'), 'gzip');
    assert.equal(chooseEncoding('*'), 'br');
    assert.equal(chooseEncoding('*, br;q=0'), 'gzip');
    assert.equal(chooseEncoding('deflate'), 'identity');
    assert.equal(chooseEncoding(undefined), 'identity');
  });
});
