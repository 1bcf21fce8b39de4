import { jwtVerify, errors as joseErrors } from 'jose';

export type IdentityResult = { ok: true; customerId: string } | { ok: false; code: 'identity_token_invalid' | 'identity_token_expired'; message: string };

/**
 * The company backend vouches for who is on the page: an HS256 JWT signed with the deployment's
 * identity secret (the secret string's UTF-8 bytes are the key, as JWT libraries do by default),
 * `sub` = the customer id used in conversations, and an `exp` at most `maxTtlSeconds` ahead: a
 * token that leaks from a page must not vouch for the customer for years.
 */
export async function verifyIdentityToken(token: string, identitySecret: string, maxTtlSeconds: number): Promise<IdentityResult> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(identitySecret), { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
    if (typeof payload.sub !== 'string' || !payload.sub || payload.sub.length > 128) {
      return { ok: false, code: 'identity_token_invalid', message: 'The identity token needs a `sub` claim with the customer id.' };
    }
    const ttl = payload.exp! - Math.floor(Date.now() / 1000);
    if (ttl > maxTtlSeconds) {
      return { ok: false, code: 'identity_token_invalid',
        message: `The identity token's exp is ${ttl} s away; this server accepts at most ${maxTtlSeconds} s (IDENTITY_TOKEN_MAX_TTL_SECONDS): sign tokens ` +
          `that expire sooner.` };
    }
    return { ok: true, customerId: payload.sub };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { ok: false, code: 'identity_token_expired',
      message: 'The identity token has expired: get a fresh one from the site\'s backend.' };
    return { ok: false, code: 'identity_token_invalid', message: 'The identity token is not signed with this deployment\'s identity secret, or is malformed.' };
  }
}
