// Which origins a page lets its cross-origin frames join the share from, as the site wrote them on
// the SDK's script tag: <script src=".../sdk.js" data-deployment="pk_..." data-frame-origins="https://pay.example">.
// Origins only: a wildcard, a path, a query or anything that is not an http(s) URL is ignored.

/** The message a parent's Tandem posts to a child frame (and the loader in the frame reads). */
export type FrameMessage = { tandemFrame: 'start' | 'stop' };

export function parseOrigins(list: string | null | undefined): string[] {
  const origins = new Set<string>();
  for (const word of (list ?? '').split(/\s+/)) {
    if (!word || word.includes('*')) continue;
    try {
      const url = new URL(word);
      const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
      if ((url.protocol === 'https:' || url.protocol === 'http:') && bare) origins.add(url.origin);
    } catch {
      // not a URL: ignored like any other word that is not an origin
    }
  }
  return [...origins];
}

/** The frame origins named on this page's SDK script tag. */
export function pageFrameOrigins(doc: Document): string[] {
  return parseOrigins(doc.querySelector<HTMLScriptElement>('script[data-deployment][data-frame-origins]')?.dataset.frameOrigins);
}
