import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { webcrypto } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { CONSENT_RECEIPT_TYPE } from '@tandem/protocol';
import { receiptsIn, verifyReceipt } from './receipt-verifier.ts';

const claims = { iss: 'https://tandem.example', jti: 'rcp_1', ver: 1, kind: 'share', decision: 'accepted', shown: { text: 'Share this tab with Dana?' } };

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

const sign = (key: webcrypto.CryptoKey, kid: string, typ = CONSENT_RECEIPT_TYPE) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ }).setIssuedAt().sign(key);

/** Changes one character of the payload segment to another base64url character. */
function flipOneByte(jws: string): string {
  const [h, p, s] = jws.split('.') as [string, string, string];
  const i = Math.floor(p.length / 2);
  const swapped = p[i] === 'A' ? 'B' : 'A';
  return `${h}.${p.slice(0, i)}${swapped}${p.slice(i + 1)}.${s}`;
}

describe('consent receipt verification', () => {
  test('a receipt signed by a published key verifies and yields its claims and key id', async () => {
    const k = await keyPair('rk_a');
    const r = await verifyReceipt(await sign(k.privateKey, 'rk_a'), { keys: [k.jwk] });
    assert.ok(r.ok, !r.ok ? r.reason : '');
    assert.equal(r.kid, 'rk_a');
    assert.equal(r.claims.shown?.text, 'Share this tab with Dana?');
  });

  test('one changed byte, another key, a missing key or another token type all fail', async () => {
    const k = await keyPair('rk_a');
    const other = await keyPair('rk_b');
    const good = await sign(k.privateKey, 'rk_a');
    assert.equal((await verifyReceipt(flipOneByte(good), { keys: [k.jwk] })).ok, false);
    // A key that claims the published kid but is not the published key.
    assert.equal((await verifyReceipt(await sign(other.privateKey, 'rk_a'), { keys: [k.jwk] })).ok, false);
    assert.equal((await verifyReceipt(good, { keys: [other.jwk] })).ok, false);
    assert.equal((await verifyReceipt(await sign(k.privateKey, 'rk_a', 'JWT'), { keys: [k.jwk] })).ok, false);
  });

  test('after a rotation, receipts of the old and the new key both verify against the set', async () => {
    const old = await keyPair('rk_old');
    const current = await keyPair('rk_new');
    const jwks = { keys: [current.jwk, old.jwk] };
    assert.equal((await verifyReceipt(await sign(old.privateKey, 'rk_old'), jwks)).ok, true);
    assert.equal((await verifyReceipt(await sign(current.privateKey, 'rk_new'), jwks)).ok, true);
  });

  test('receipts are found in a bare JWS, one receipt object, or the API list; anything else is refused', () => {
    assert.deepEqual(receiptsIn(' a.b.c\n'), ['a.b.c']);
    assert.deepEqual(receiptsIn(JSON.stringify({ receipt: 'a.b.c' })), ['a.b.c']);
    assert.deepEqual(receiptsIn(JSON.stringify({ conversationId: 'x', data: [{ receipt: 'a.b.c' }, { receipt: 'd.e.f' }] })), ['a.b.c', 'd.e.f']);
    assert.throws(() => receiptsIn('{"data": []}'), /holds no receipts/);
    assert.throws(() => receiptsIn('{"nope": 1}'), /holds no receipts/);
  });
});
