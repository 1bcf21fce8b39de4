// Assets the customer's page may not read (another origin without CORS: a CDN's product
// pictures), which the page names in the stream as unreadable (ASSET_UNREADABLE_EVENT): the console
// asks Tandem for them, never their own servers, so the agent's browser still contacts only
// Tandem. Tandem fetches them without anyone's cookies and answers only pictures, fonts (by their
// bytes) and style sheets; what it refuses stays a box, as before.
import { assetProxyPath } from '@tandem/protocol/wire';

export interface ProxiedAsset {
  type: string;
  bytes: Uint8Array;
}

export type ProxiedAssetFetch = (url: string) => Promise<ProxiedAsset | null>;

// Below the server's per-session limit of fetches under way (4), so that none is refused for it.
const AT_ONCE = 3;

/** Fetches through Tandem's asset route with the console's token, a few at a time. */
export function proxiedAssetFetch(server: string, token: string, sessionId: () => string | null): ProxiedAssetFetch {
  const waiting: (() => void)[] = [];
  let active = 0;
  const next = () => {
    if (active < AT_ONCE) waiting.shift()?.();
  };
  return async (url) => {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      next();
    });
    active++;
    try {
      const session = sessionId();
      if (!session) return null;
      const res = await fetch(`${server.replace(/\/$/, '')}${assetProxyPath(session, url)}`,
        { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' });
      if (!res.ok) return null;
      return { type: (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(), bytes: new Uint8Array(await res.arrayBuffer()) };
    } catch {
      return null;
    } finally {
      active--;
      next();
    }
  };
}
