import { existsSync, readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { receiptsIn, verifyReceipt } from './auth/receipt-verifier.ts';

/** A file's text, or the argument itself when no such file exists (a pasted receipt). */
const fileOrText = (arg: string) => (existsSync(arg) ? readFileSync(arg, 'utf8') : arg);

async function loadJwks(source: string): Promise<JSONWebKeySet> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`fetching the JWKS from ${source} answered ${res.status}`);
    return (await res.json()) as JSONWebKeySet;
  }
  if (!existsSync(source)) throw new Error(`no JWKS file at ${source}: give a file or the server's /.well-known/jwks.json URL`);
  return JSON.parse(readFileSync(source, 'utf8')) as JSONWebKeySet;
}

/** `tandem receipts verify`: prints each receipt's verdict; the exit code is 0 only if all verify. */
export async function receiptsCommand(input: string, jwksSource: string, opts: { json: boolean; out: NodeJS.WritableStream }): Promise<number> {
  const jwks = await loadJwks(jwksSource);
  const checks = await Promise.all(receiptsIn(fileOrText(input)).map((r) => verifyReceipt(r, jwks)));
  if (opts.json) {
    opts.out.write(
      `${JSON.stringify(checks.map((c) => (c.ok ? { valid: true, kid: c.kid, claims: c.claims } : { valid: false, reason: c.reason })), null, 2)}\n`);
  } else {
    for (const c of checks) {
      if (!c.ok) {
        opts.out.write(`INVALID  ${c.reason}\n`);
        continue;
      }
      const k = c.claims;
      opts.out.write(
        `valid    ${k.jti}  ${k.kind} ${k.decision}  conversation ${k.conversationId}  session ${k.sessionId}  recorded ${k.recordedAt}  key ${c.kid}\n`);
      if (k.shown) opts.out.write(
        `         shown (${k.shown.locale ?? '?'}, copy ${k.shown.copyVersion ?? '?'}), ` +
          `clicked ${k.clickedAt ?? '?'}:\n${k.shown.text.split('\n').map((l) => `           ${l}`).join('\n')}\n`);
      if (k.withdraws) opts.out.write(`         withdraws ${k.withdraws.receiptId} (sha256 ${k.withdraws.sha256})\n`);
    }
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}
