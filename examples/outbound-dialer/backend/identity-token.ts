// The shop's backend vouches for who is signed in: an HS256 JWT signed with the deployment's
// identity secret, `sub` = the customer id the dialer uses. Tandem pushes invites to pages
// identified this way.
import { SignJWT } from 'jose';

export const IDENTITY_TOKEN_TTL_SECONDS = 10 * 60;

export async function signIdentityToken(customerId: string, identitySecret: string): Promise<{ token: string; expiresAt: string }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + IDENTITY_TOKEN_TTL_SECONDS;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(customerId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(identitySecret));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}
