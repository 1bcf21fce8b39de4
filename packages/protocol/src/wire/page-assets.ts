/**
 * Inside the page stream: the bytes of a picture, font or stylesheet the page uses, read by the
 * customer's browser (which has the page's cookies and its origin) and sent while sharing, so
 * that the agent's browser never fetches anything the page names: the replica draws what the
 * stream carried, or a box. `data` is the body in base64; `type` the response's content type as
 * the page's server said (the console trusts it only to tell a stylesheet from the rest and
 * reads pictures and fonts by their first bytes).
 */
export const ASSET_EVENT = 'tandem/asset';

export interface AssetFrame {
  /** The absolute URL the page names the asset by (as rrweb wrote it in the stream). */
  url: string;
  type: string;
  data: string;
}

/**
 * Inside the page stream: an asset the replica needs that the customer's browser may not read
 * (another origin without CORS, as a CDN's product pictures often are). The console asks Tandem
 * for it (ASSET_PROXY_ROUTE), which fetches it as any anonymous visitor would: without cookies,
 * from public addresses only, and answers only a picture or font by its first bytes, or a style sheet.
 */
export const ASSET_UNREADABLE_EVENT = 'tandem/asset-unreadable';

export interface AssetUnreadableFrame {
  /** The absolute http(s) URL the page names the asset by. */
  url: string;
}

/** Where a console asks Tandem for an asset the page could not read (GET, the agent's token as a Bearer). */
export function assetProxyPath(sessionId: string, url: string): string {
  return `/v1/sessions/${encodeURIComponent(sessionId)}/asset?url=${encodeURIComponent(url)}`;
}

/** The type a picture's or font's first bytes say it is; null for anything else (SVG and text included). */
export function sniffAsset(b: Uint8Array): string | null {
  const at = (i: number, s: string) => [...s].every((c, k) => b[i + k] === c.charCodeAt(0));
  if (b[0] === 0x89 && at(1, 'PNG')) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (at(0, 'GIF8')) return 'image/gif';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'image/webp';
  if (at(4, 'ftyp') && (at(8, 'avif') || at(8, 'avis'))) return 'image/avif';
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return 'image/x-icon';
  if (at(0, 'wOF2')) return 'font/woff2';
  if (at(0, 'wOFF')) return 'font/woff';
  if (at(0, 'OTTO')) return 'font/otf';
  if ((b[0] === 0 && b[1] === 1 && b[2] === 0 && b[3] === 0) || at(0, 'true')) return 'font/ttf';
  return null;
}

/** A larger asset is not sent (a box or the fallback font instead): it would crowd out the page's deltas. */
export const ASSET_MAX_BYTES = 512 * 1024;
/**
 * The most a page sends of assets; they go again after every snapshot (a late agent starts from
 * the latest snapshot and what followed it), so this stays well under the relay's 4 MiB of
 * cached deltas.
 */
export const ASSET_TOTAL_BYTES = 2 * 1024 * 1024;

/**
 * What a URL in an element's attribute is to the replica:
 * - `image`: one picture (img src, poster, svg image href, background attribute);
 * - `srcset`: a list of pictures with descriptors;
 * - `stylesheet`: a `<link rel=stylesheet>` rrweb could not read (cross-origin without CORS);
 * - `css`: a style sheet's or a style attribute's text, whose `url()`s are pictures and fonts;
 * - `drop`: something the replica never loads (audio and video sources, external SVG sprites).
 */
export type AssetSlot = 'image' | 'srcset' | 'stylesheet' | 'css' | 'drop';

const IMAGE_SRC = new Set(['img', 'input']);
const SVG_HREF = new Set(['image', 'feimage']);
const MEDIA = new Set(['video', 'audio', 'source', 'track']);

/** The slot of an attribute, or null when its value loads nothing. */
export function assetSlot(tagName: string, name: string, value: unknown): AssetSlot | null {
  if (typeof value !== 'string' && !(name === 'style' && value && typeof value === 'object')) return null;
  const tag = tagName.toLowerCase();
  const attr = name.toLowerCase();
  if (attr === 'style' || attr === '_csstext') return 'css';
  if (attr === 'background') return 'image';
  if (attr === 'srcset') return 'srcset';
  if (attr === 'src') return IMAGE_SRC.has(tag) ? 'image' : MEDIA.has(tag) ? 'drop' : null;
  if (attr === 'poster') return tag === 'video' ? 'image' : null;
  if (attr === 'href' || attr === 'xlink:href') {
    if (SVG_HREF.has(tag)) return 'image';
    // A sprite in the same document (`#icon`) loads nothing; one in another file is an SVG document.
    if (tag === 'use') return typeof value === 'string' && !value.startsWith('#') ? 'drop' : null;
    if (tag === 'link') return 'stylesheet';
  }
  return null;
}

// rrweb writes url() in these three forms; the unquoted one cannot hold ')' or whitespace.
const CSS_URL = /url\(\s*(?:'([^']*)'|"([^"]*)"|([^)'"\s]*))\s*\)/gi;
// @import with a bare string; its url() form is caught by CSS_URL and dropped below with the rule.
const CSS_IMPORT = /@import\s+(?:url\([^)]*\)|'[^']*'|"[^"]*")[^;]*;?/gi;

// The WHATWG URL parser, which every runtime here has (browsers, Node); the protocol's own
// environment has neither DOM nor Node types.
declare const URL: new (url: string, base?: string) => { readonly href: string };

function absolute(url: string, base: string): string | null {
  try {
    return new URL(url, base).href;
  } catch {
    return null;
  }
}

/** A URL that loads nothing from the network: an inline picture or font. */
export function isInline(url: string): boolean {
  return /^data:/i.test(url.trim());
}

/** The absolute http(s) URLs of pictures and fonts a style sheet's text names (imports aside). */
export function cssUrls(css: string, base: string): string[] {
  const urls: string[] = [];
  for (const m of css.replace(CSS_IMPORT, '').matchAll(CSS_URL)) {
    const raw = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (!raw || isInline(raw) || raw.startsWith('#')) continue;
    const url = absolute(raw, base);
    if (url && /^https?:/i.test(url)) urls.push(url);
  }
  return urls;
}

/**
 * The style sheet with every `url()` replaced by what `resolve` gives (a URL the replica may load),
 * or by `none` (nothing is loaded; a background stays empty); `data:` URLs and `#fragments` stay. In a font's `src` list a source the
 * replica cannot load is left out, so that the others still apply (a list with a `none` in it
 * would be dropped whole). `@import`s go: a sheet that could be read
 * arrives with its imports inlined by rrweb.
 */
export function rewriteCss(css: string, base: string, resolve: (url: string) => string | null): string {
  const one = (whole: string, q1?: string, q2?: string, bare?: string): string => {
    const raw = (q1 ?? q2 ?? bare ?? '').trim();
    // Inline pictures, and fragments, which name something in the same document (an SVG gradient).
    if (isInline(raw) || raw.startsWith('#')) return whole;
    const url = raw ? absolute(raw, base) : null;
    const local = url ? resolve(url) : null;
    return local ? `url("${local}")` : 'none';
  };
  // Font lists first, set aside while the other url()s are replaced (each URL is resolved once).
  const fonts: string[] = [];
  const rest = css.replace(CSS_IMPORT, '').replace(/\u0000/g, '').replace(FONT_SRC, (_whole, lead: string, list: string) => {
    const kept = splitList(list).map((source) => source.replace(CSS_URL, one)).filter((source) => !/^\s*none\b/.test(source));
    fonts.push(`${lead}${kept.length ? kept.join(',') : 'none'}`);
    return `\u0000${fonts.length - 1}\u0000`;
  }).replace(CSS_URL, one);
  return rest.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => fonts[Number(i)] ?? '');
}

// A `src:` declaration (only @font-face has one); its value runs to the next ';' or '}' outside quotes.
const FONT_SRC = /((?:^|[;{\s])src\s*:)((?:[^;}"']|"[^"]*"|'[^']*')*)/gi;

/** Splits a declaration's value on the commas that are not inside parentheses or quotes. */
function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/** The URLs of a srcset, each with its descriptor ("2x", "640w", or ""). */
export function srcsetEntries(srcset: string, base: string): { url: string; descriptor: string }[] {
  const entries: { url: string; descriptor: string }[] = [];
  // Candidates are separated by commas that follow a URL and its descriptor; a data: URL may hold commas.
  for (const m of srcset.matchAll(/\s*(data:[^\s]+|[^\s,]+)(?:\s+([^,]*))?,?/g)) {
    const raw = m[1];
    if (!raw) continue;
    const url = isInline(raw) ? raw : absolute(raw, base);
    if (url) entries.push({ url, descriptor: (m[2] ?? '').trim() });
  }
  return entries;
}
