import { createHash, timingSafeEqual } from 'node:crypto';

// Client secrets are 256 random bits, so a fast hash is enough: no dictionary to attack, and a
// slow KDF would only slow down every token request.
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
