// Consent receipts end to end on a real server: a customer's page accepts over the real visitor
// WebSocket, the company fetches the signed receipts from the API and verifies them offline
// against the published JWKS (in-process and with the CLI as a child process), and a receipt
// with one byte changed no longer verifies.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { ConsentReceiptClaims } from '@tandem/protocol';
import { ScriptProcess } from './script-process.ts';
import { startTestServer, type DbKind, type TestServer } from './test-server.ts';
import { VisitorClient } from './visitor-client.ts';
import { startedSession } from './started-session.ts';
import { SHOP_ORIGIN, connectedCall, createDeployment } from './fixtures.ts';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const REPO = new URL('../../..', import.meta.url).pathname;
const work = mkdtempSync(path.join(tmpdir(), 'tandem-receipts-'));
let s: TestServer;
let dep: { key: string; identitySecret: string };

after(() => rmSync(work, { recursive: true, force: true }));

interface Listed { id: string; kind: string; decision: string; sessionId: string; recordedAt: string; receipt: string }

/** Changes one character in the middle of the payload to another base64url character. */
export function flipOneByte(jws: string): string {
  const [h, p, sig] = jws.split('.') as [string, string, string];
  const i = Math.floor(p.length / 2);
  return `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${sig}`;
}

async function jwks(): Promise<JSONWebKeySet> {
  const res = await fetch(`${s.url}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  return (await res.json()) as JSONWebKeySet;
}

const verify = async (jws: string, keys: JSONWebKeySet) =>
  (await jwtVerify(jws, createLocalJWKSet(keys), { algorithms: ['ES256'], typ: 'consent-receipt+jwt' })).payload as ConsentReceiptClaims;

async function sharedCall() {
  const german = (inv: { phrase: string }) => ({
    locale: 'de', version: 'share-v3', clickedAt: '2026-11-30T04:00:00.000Z',
    text: `Diesen Tab mit Dana teilen?\nDana von Acme möchte diesen Tab sehen.\nPrüfen Sie, ob Ihr Agent dieselben Wörter sieht: ${inv.phrase}`,
  });
  const { call, page, invite: inv, shown, sessionId } = await startedSession(s, dep, { shown: german });
  return { call, page, inv, shown, sessionId };
}

async function receiptsOf(conversationId: string): Promise<Listed[]> {
  const res = await s.api('GET', `/v1/conversations/${conversationId}/consent-receipts`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.jwksUrl, `${s.config.publicUrl}/.well-known/jwks.json`);
  return res.body.data;
}

for (const kind of ['pglite', 'postgres'] as DbKind[]) describe(`consent receipts (${kind})`, () => {
  before(async () => {
    s = await startTestServer(kind);
    dep = await createDeployment(s);
  });
  after(async () => s?.close());

  test('after the customer clicks Share, a signed receipt of exactly what was shown verifies against the published keys', async () => {
    const { call, page, inv, shown, sessionId } = await sharedCall();
    const [listed, ...more] = await receiptsOf(call.id);
    assert.equal(more.length, 0);
    assert.equal(listed!.kind, 'share');
    assert.equal(listed!.decision, 'accepted');
    assert.equal(listed!.sessionId, sessionId);

    const keys = await jwks();
    const claims = await verify(listed!.receipt, keys);
    assert.equal(decodeProtectedHeader(listed!.receipt).kid, keys.keys[0]!.kid);
    assert.equal(claims.jti, listed!.id);
    assert.equal(`${claims.iss}/.well-known/jwks.json`, (await s.api('GET', `/v1/conversations/${call.id}/consent-receipts`)).body.jwksUrl);
    assert.deepEqual(claims.shown, { text: shown.text, locale: 'de', copyVersion: 'share-v3', companyName: 'Acme', agentName: 'Dana', phrase: inv.phrase });
    assert.equal(claims.clickedAt, '2026-11-30T04:00:00.000Z');
    assert.equal(claims.conversationId, call.id);
    assert.equal(claims.inviteId, inv.id);
    assert.equal(claims.customerId, call.customer.id);
    assert.equal(claims.userAgent, 'VisitorClient/1 (test)');
    // The receipt names the consent record of the audit trail.
    const audit = (await s.api('GET', `/v1/conversations/${call.id}/audit`)).body.data as { type: string; data: { consentId: string } }[];
    assert.equal(audit.find((e) => e.type === 'consent.share.accepted')!.data.consentId, claims.consentId);

    await assert.rejects(verify(flipOneByte(listed!.receipt), keys));
    page.close();
  });

  test('control, taking control back and stopping sharing each add a receipt; a withdrawal names the acceptance it ends', async () => {
    const { call, page, sessionId } = await sharedCall();
    assert.equal((await page.acceptControl(sessionId, { version: 'control-v3' })).type, 'control.granted');
    assert.equal((await page.request({ type: 'control.revoke', sessionId })).type, 'control.revoked');
    assert.equal((await page.request({ type: 'session.stop', sessionId })).type, 'ok');

    const listed = await receiptsOf(call.id);
    assert.deepEqual(listed.map((r) => `${r.kind}.${r.decision}`), ['share.accepted', 'control.accepted', 'control.withdrawn', 'share.withdrawn']);
    const keys = await jwks();
    const [share, control, controlBack, stopped] = await Promise.all(listed.map((r) => verify(r.receipt, keys)));
    assert.equal(control!.shown?.agentName, 'Dana');
    assert.equal(control!.shown?.copyVersion, 'control-v3');
    const { createHash } = await import('node:crypto');
    const hash = (jws: string) => createHash('sha256').update(jws).digest('base64url');
    assert.deepEqual(controlBack!.withdraws, { receiptId: control!.jti, sha256: hash(listed[1]!.receipt) });
    assert.deepEqual(stopped!.withdraws, { receiptId: share!.jti, sha256: hash(listed[0]!.receipt) });
    assert.equal(stopped!.shown, undefined);
    page.close();
  });

  test('a prompt that named another agent or lacked the phrase is refused: no session, no receipt', async () => {
    const call = await connectedCall(s);
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    await page.identify(dep.identitySecret, call.customer.id);
    const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id })).body as { id: string; phrase: string };
    await page.waitFor('invite');
    const wrongAgent = await page.acceptInvite(inv.id, { agentName: 'Mallory', text: `Share with Mallory from Acme? ${inv.phrase}` });
    assert.equal(wrongAgent.type === 'error' && wrongAgent.code, 'consent_shown_mismatch');
    const noPhrase =
      await page.request({ type: 'invite.accept', inviteId: inv.id, shown: { ...page.shownFor(inv.id), text: 'Share this tab with Dana from Acme?' } });
    assert.equal(noPhrase.type === 'error' && noPhrase.code, 'consent_shown_mismatch');
    assert.match(noPhrase.type === 'error' ? noPhrase.message : '', /matching phrase/);
    assert.equal((await s.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data.length, 0);
    assert.equal((await s.api('GET', `/v1/invites/${inv.id}`)).body.state, 'opened');
    assert.deepEqual(await receiptsOf(call.id), []);
    // The honest prompt still works afterwards.
    assert.equal((await page.acceptInvite(inv.id)).type, 'session.started');
    page.close();
  });

  test('after a key rotation new receipts name the new key and the old receipts still verify', async () => {
    const first = await sharedCall();
    const oldKid = decodeProtectedHeader((await receiptsOf(first.call.id))[0]!.receipt).kid;
    const newKid = await s.tandem.services.receiptKeys.rotate();
    const second = await sharedCall();
    const fresh = (await receiptsOf(second.call.id))[0]!.receipt;
    assert.equal(decodeProtectedHeader(fresh).kid, newKid);
    const keys = await jwks();
    assert.deepEqual(keys.keys.map((k) => k.kid).slice(0, 2), [newKid, oldKid]);
    assert.ok(keys.keys.every((k) => k.d === undefined), 'the JWKS publishes no private key material');
    await verify((await receiptsOf(first.call.id))[0]!.receipt, keys);
    await verify(fresh, keys);
    first.page.close();
    second.page.close();
  });

  test('the receipts route and the JWKS are in the OpenAPI document; the route needs sessions:read and a known conversation', async () => {
    const paths = Object.keys(((await (await fetch(`${s.url}/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths);
    assert.ok(paths.includes('/v1/conversations/{id}/consent-receipts') && paths.includes('/.well-known/jwks.json'), paths.join(' '));
    const noScope = await s.api('GET', '/v1/conversations/x/consent-receipts', undefined, { token: await s.token(['invites:write']) });
    assert.equal(noScope.status, 403);
    assert.equal(noScope.body.code, 'insufficient_scope');
    const unknown = await s.api('GET', '/v1/conversations/no-such-call/consent-receipts');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'conversation_not_found');
  });

  test('the CLI verifies the API\'s answer against the JWKS URL, and fails on a receipt with one byte changed', async () => {
    const { call, page } = await sharedCall();
    const answer = (await s.api('GET', `/v1/conversations/${call.id}/consent-receipts`)).text;
    const file = path.join(work, 'receipts.json');
    writeFileSync(file, answer);
    // Run asynchronously: the server under test lives in this process and must answer the CLI.
    const cli = async (args: string[]) => {
      const p = new ScriptProcess(process.execPath, ['--import', 'tsx', CLI, 'receipts', 'verify', ...args], { cwd: REPO, env: { DATA_DIR: work } });
      const status = await p.exitCode(90_000);
      return { status, stdout: p.stdout, stderr: p.stderr };
    };

    const ok = await cli([file, '--jwks', `${s.url}/.well-known/jwks.json`]);
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /^valid +rcp_\S+ +share accepted/m);
    assert.match(ok.stdout, /Diesen Tab mit Dana teilen\?/);

    const jwksFile = path.join(work, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(await jwks()));
    const receipt = JSON.parse(answer).data[0].receipt as string;
    const pasted = await cli([receipt, '--jwks', jwksFile, '--json']);
    assert.equal(pasted.status, 0, pasted.stderr);
    assert.equal(JSON.parse(pasted.stdout)[0].claims.conversationId, call.id);

    const tampered = await cli([flipOneByte(receipt), '--jwks', jwksFile]);
    assert.equal(tampered.status, 1);
    assert.match(tampered.stdout, /^INVALID/m);

    const noKeys = await cli([receipt, '--jwks', path.join(work, 'missing.json')]);
    assert.equal(noKeys.status, 2);
    assert.match(noKeys.stderr, /no JWKS file/);
    page.close();
  });

  // The CLI opens the store in DATA_DIR: one store kind is enough to show the command works.
  if (kind === 'pglite') test('`tandem receipts rotate-key` adds a key that the server then signs with and publishes', async () => {
    const dataDir = mkdtempSync(path.join(work, 'rotate-'));
    const rotate =
      new ScriptProcess(process.execPath, ['--import', 'tsx', CLI, 'receipts', 'rotate-key'], { cwd: REPO, env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    assert.equal(await rotate.exitCode(90_000), 0, rotate.output());
    const kid = /new receipt signing key: (rk_\w+)/.exec(rotate.stdout)?.[1];
    assert.ok(kid, rotate.output());
    const server = await startTestServer('pglite', { DATA_DIR: dataDir });
    try {
      const keys = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
      assert.deepEqual(keys.keys.map((k) => k.kid), [kid]);
    } finally {
      await server.close();
    }
  });
});
