import type { Dispatcher } from 'undici';
import { readCapped, sniffAsset, type ErrorCode } from '@tandem/protocol';
import { DomainError } from '../shared/domain-error.ts';
import { isNotPublicError, publicOnlyDispatcher } from '../events/webhook-destination-guard.ts';

/**
 * Fetches a picture, font or style sheet a customer's page shows but may not read (another origin
 * without CORS) for the agent's console, as an anonymous visitor would: GET, no cookies and no
 * credentials of anyone (the customer's never reach Tandem; the server's own fetch has none),
 * public addresses only, checked on the address actually connected to at every redirect (so DNS
 * rebinding and a redirect into the server's network are refused alike). What comes back is
 * passed on only as a picture or font by its first bytes (never SVG, which could carry script) or
 * as a style sheet when served as text/css: never an HTML page or JSON of some internal service.
 */

export interface AssetFetchOptions {
  /** Hosts and addresses reachable although not public (ASSET_PROXY_ALLOW). */
  allow: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export interface FetchedAsset {
  type: string;
  bytes: Uint8Array;
}

export type AssetFetch = (url: string) => Promise<FetchedAsset>;

function refuse(code: ErrorCode, detail?: string): DomainError {
  return new DomainError(code, detail);
}

/** The URL if Tandem may fetch it at all: http(s), no user name or password in it. */
export function fetchableUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('validation_failed', 'The url is not an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('asset_address_refused', 'Only http and https URLs are fetched.');
  if (url.username || url.password) throw refuse('asset_address_refused', 'A URL with a user name or password is not fetched.');
  url.hash = '';
  return url;
}

export function assetFetcher(options: AssetFetchOptions): AssetFetch {
  const dispatcher: Dispatcher = publicOnlyDispatcher(options.allow);
  return async (raw) => {
    let url = fetchableUrl(raw);
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      for (let hop = 0; ; hop++) {
        const res = await fetch(url, {
          method: 'GET',
          redirect: 'manual',
          credentials: 'omit',
          signal,
          headers: { accept: 'image/avif,image/webp,image/*,font/*,text/css;q=0.9,*/*;q=0.1', 'user-agent': 'Tandem-asset-fetch' },
          dispatcher,
        } as RequestInit);
        if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
          await res.body?.cancel().catch(() => undefined);
          if (hop >= options.maxRedirects) throw refuse('asset_upstream_failed', `More than ${options.maxRedirects} redirects.`);
          url = fetchableUrl(new URL(res.headers.get('location')!, url).href);
          continue;
        }
        if (!res.ok) {
          await res.body?.cancel().catch(() => undefined);
          throw refuse('asset_upstream_failed', `The asset's server answered ${res.status}.`);
        }
        const bytes = await readBody(res, options.maxBytes);
        const sniffed = sniffAsset(bytes);
        if (sniffed) return { type: sniffed, bytes };
        const served = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        if (served === 'text/css') return { type: 'text/css', bytes };
        throw refuse('asset_type_refused');
      }
    } catch (err) {
      if (err instanceof DomainError) throw err;
      if (isNotPublicError(err)) throw refuse('asset_address_refused');
      if ((err as Error).name === 'TimeoutError') throw refuse('asset_upstream_failed', `No answer within ${options.timeoutMs} ms.`);
      throw refuse('asset_upstream_failed', 'The asset\'s server could not be reached.');
    }
  };
}

async function readBody(res: Response, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => refuse('asset_too_large', `Assets over ${maxBytes} bytes are not fetched.`);
  if (Number(res.headers.get('content-length')) > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(0);
  const bytes = await readCapped(res.body.getReader(), maxBytes);
  if (!bytes) throw tooLarge();
  return bytes;
}
