import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenResponse } from '@tandem/protocol';
import { AccessTokenCache } from './access-token-cache.ts';

function setup(expiresIn: number) {
  let now = 0;
  let issued = 0;
  const cache = new AccessTokenCache(
    async (): Promise<TokenResponse> => ({ access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: expiresIn, scope: '' }),
    () => now,
  );
  return { cache, advance: (ms: number) => void (now += ms), issued: () => issued };
}

describe('AccessTokenCache', () => {
  it('shares one token request between concurrent callers', async () => {
    const { cache, issued } = setup(3600);
    const tokens = await Promise.all([cache.get(), cache.get(), cache.get()]);
    assert.deepEqual(tokens, ['tok-1', 'tok-1', 'tok-1']);
    assert.equal(issued(), 1);
  });

  it('refreshes 30 s before expiry', async () => {
    const { cache, advance } = setup(3600);
    await cache.get();
    advance(3_569_999);
    assert.equal(await cache.get(), 'tok-1');
    advance(1);
    assert.equal(await cache.get(), 'tok-2');
  });

  it('refreshes a short-lived token at half its life', async () => {
    const { cache, advance } = setup(40);
    await cache.get();
    advance(19_999);
    assert.equal(await cache.get(), 'tok-1');
    advance(1);
    assert.equal(await cache.get(), 'tok-2');
  });

  it('drops a refused token but keeps a newer one', async () => {
    const { cache } = setup(3600);
    await cache.get();
    cache.invalidate('tok-1');
    assert.equal(await cache.get(), 'tok-2');
    cache.invalidate('tok-1');
    assert.equal(await cache.get(), 'tok-2');
  });

  it('does not cache a failed token request', async () => {
    let calls = 0;
    const cache = new AccessTokenCache(async () => {
      if (++calls === 1) throw new Error('down');
      return { access_token: 'tok', token_type: 'Bearer', expires_in: 60, scope: '' };
    });
    await assert.rejects(cache.get(), /down/);
    assert.equal(await cache.get(), 'tok');
  });
});
