// The Python recipe for verifying consent receipts, run against receipts from a live server: the
// customer shares, allows control and stops over the real visitor WebSocket; the script verifies
// the API's answer against the server's JWKS URL, and rejects a receipt with one byte changed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { SHOP_ORIGIN, connectedCall, createDeployment } from '../../packages/server/test/fixtures.ts';
import { ScriptProcess } from '../../packages/server/test/script-process.ts';
import { startTestServer, type TestServer } from '../../packages/server/test/test-server.ts';
import { VisitorClient } from '../../packages/server/test/visitor-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'examples/python/verify_receipts.py');
const work = mkdtempSync(path.join(tmpdir(), 'tandem-pyreceipts-'));

/** The first interpreter with PyJWT and cryptography: python3 on PATH, else Debian's own. */
function python(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import jwt, cryptography'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  throw new Error('no python3 with PyJWT and cryptography: run `bash scripts/setup.sh --test` (installs python3-jwt python3-cryptography)');
}

describe('examples/python/verify_receipts.py against receipts from a live server', () => {
  let s: TestServer;
  let conversationId = '';
  const py = python();

  before(async () => {
    s = await startTestServer('pglite');
    const dep = await createDeployment(s);
    const call = await connectedCall(s);
    conversationId = call.id;
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    await page.identify(dep.identitySecret, call.customer.id);
    const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id })).body as { id: string };
    await page.waitFor('invite');
    const started = await page.acceptInvite(inv.id);
    assert.equal(started.type, 'session.started');
    const sessionId = started.type === 'session.started' ? started.sessionId : '';
    assert.equal((await page.acceptControl(sessionId)).type, 'control.granted');
    assert.equal((await page.request({ type: 'session.stop', sessionId })).type, 'ok');
    page.close();
  });
  after(async () => {
    await s?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function run(args: string[]) {
    // Asynchronously: the server the script fetches the JWKS from runs in this process.
    const p = new ScriptProcess(py, [SCRIPT, ...args], { cwd: ROOT });
    return { status: await p.exitCode(60_000), stdout: p.stdout, stderr: p.stderr };
  }

  test('every receipt of the call verifies against the JWKS URL, with what the customer was shown', async () => {
    const file = path.join(work, 'receipts.json');
    writeFileSync(file, (await s.api('GET', `/v1/conversations/${conversationId}/consent-receipts`)).text);
    const r = await run([file, '--jwks', `${s.url}/.well-known/jwks.json`]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const verdicts = r.stdout.split('\n').filter((l) => /^(valid|INVALID)/.test(l));
    assert.equal(verdicts.length, 3);
    assert.ok(verdicts.every((l) => l.startsWith('valid')), r.stdout);
    assert.match(r.stdout, /share accepted/);
    assert.match(r.stdout, /control accepted/);
    assert.match(r.stdout, /share withdrawn/);
    assert.match(r.stdout, /naming Dana of Acme/);
    assert.match(r.stdout, /Share this tab with Dana\?/);
  });

  test('a receipt with one byte changed, or checked against other keys, is INVALID (exit 1)', async () => {
    const receipt = (await s.api('GET', `/v1/conversations/${conversationId}/consent-receipts`)).body.data[0].receipt as string;
    const [h, p, sig] = receipt.split('.') as [string, string, string];
    const i = Math.floor(p.length / 2);
    const tampered = `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${sig}`;
    const jwksFile = path.join(work, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(await (await fetch(`${s.url}/.well-known/jwks.json`)).json()));

    const ok = await run([receipt, '--jwks', jwksFile]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const bad = await run([tampered, '--jwks', jwksFile]);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /^INVALID/m);

    const otherKeys = path.join(work, 'other.json');
    writeFileSync(otherKeys, JSON.stringify({ keys: [] }));
    const unknownKey = await run([receipt, '--jwks', otherKeys]);
    assert.equal(unknownKey.status, 1);
    assert.match(unknownKey.stdout, /does not publish/);
  });
});
