// The pictures, fonts and style sheets the replica needs, read here, in the customer's browser,
// and sent in the stream (see ASSET_EVENT): the agent's browser could not fetch most of them
// (the page's cookies, a CDN without CORS), and should not contact the page's servers at all (a
// request tells them the agent's address). What is read:
// - only URLs the stream itself names (after masking: a masked picture's URL never gets here), in
//   an attribute that loads a picture, a style sheet rrweb could not read, or a style sheet's url();
// - only once the page's own browser loaded them (Resource Timing), so an unused breakpoint's
//   picture or a font's fallback formats are never read, and the read is a cache hit (what a
//   style sheet the page could not read names is not in Resource Timing: all of it is read);
// - with the page's cookies on its own origin; on another origin only if its CORS headers let
//   the page read it (with cookies first, then without); a response the page may not read at all
//   (CORS refused both ways, as a CDN without CORS headers does) is named in the stream as
//   unreadable (ASSET_UNREADABLE_EVENT, the URL only), and the agent's console asks Tandem to
//   fetch it without anyone's cookies;
// - up to ASSET_MAX_BYTES each and ASSET_TOTAL_BYTES in all, only while sharing.
// Everything sent goes again after each snapshot: a late agent starts from the newest snapshot.
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { eventWithTime, serializedNodeWithId } from '@rrweb/types';
import {
  ASSET_EVENT, ASSET_MAX_BYTES, ASSET_TOTAL_BYTES, ASSET_UNREADABLE_EVENT, assetSlot, cssUrls, readCapped, srcsetEntries,
  type AssetFrame, type AssetUnreadableFrame,
} from '@tandem/protocol/wire';

export interface PageAssets {
  /** An event on its way out: the URLs it names become candidates. */
  note(event: eventWithTime): void;
  /** A snapshot went out: every asset sent so far goes again after it. */
  afterSnapshot(): void;
  stop(): void;
}

export interface PageAssetOptions {
  maxBytes?: number;
  totalBytes?: number;
}

type Kind = 'css' | 'file';

// Enough for any page's pictures and fonts; a page that names more has the rest drawn as boxes.
const MAX_CANDIDATES = 4000;
// What every url() cssUrls() finds starts with (it matches case-insensitively too).
const CSS_URL_HINT = /url\(/i;
const CONCURRENT_READS = 3;
const READ_TIMEOUT_MS = 10_000;
// URLs named as unreadable per page: each costs the server a fetch, which it caps per session too.
const MAX_UNREADABLE = 200;

export function sendPageAssets(doc: Document, nodeOf: (id: number) => Node | null,
  send: (tag: string, frame: AssetFrame | AssetUnreadableFrame) => void,
  options: PageAssetOptions = {}): PageAssets {
  const maxBytes = options.maxBytes ?? ASSET_MAX_BYTES;
  const totalBytes = options.totalBytes ?? ASSET_TOTAL_BYTES;
  const win = doc.defaultView!;
  const base = () => doc.baseURI;
  // URL -> what it is, for URLs the stream named and the page has not loaded (yet).
  const candidates = new Map<string, Kind>();
  const loaded = new Set<string>();
  const attempted = new Set<string>();
  const queue: [string, Kind][] = [];
  const kept: [string, AssetFrame | AssetUnreadableFrame][] = [];
  let unreadable = 0;
  let keptBytes = 0;
  let active = 0;
  let stopped = false;
  const aborter = new AbortController();

  const start = (url: string, kind: Kind) => {
    if (attempted.has(url) || stopped) return;
    attempted.add(url);
    candidates.delete(url);
    queue.push([url, kind]);
    pump();
  };
  const consider = (url: string, kind: Kind) => {
    if (!/^https?:/i.test(url) || attempted.has(url)) return;
    if (loaded.has(url)) return start(url, kind);
    if (candidates.size < MAX_CANDIDATES) candidates.set(url, kind);
  };
  const pageLoaded = (url: string) => {
    if (loaded.size < MAX_CANDIDATES * 4) loaded.add(url);
    const kind = candidates.get(url);
    if (kind) start(url, kind);
  };

  const pump = () => {
    while (active < CONCURRENT_READS && queue.length > 0 && !stopped) {
      const [url, kind] = queue.shift()!;
      active++;
      read(url, kind).catch(() => undefined).finally(() => {
        active--;
        pump();
      });
    }
  };

  const read = async (url: string, kind: Kind) => {
    const body = await readAsset(win, url, maxBytes, aborter.signal);
    if (body === UNREADABLE) {
      // Counted against the page's budget by its URL's length: what is named is all that is sent.
      if (stopped || unreadable >= MAX_UNREADABLE || keptBytes + url.length > totalBytes) return;
      unreadable++;
      keptBytes += url.length;
      const frame: AssetUnreadableFrame = { url };
      kept.push([ASSET_UNREADABLE_EVENT, frame]);
      send(ASSET_UNREADABLE_EVENT, frame);
      return;
    }
    if (!body || stopped || keptBytes + body.bytes.byteLength > totalBytes) return;
    // What a sheet the page could not read loads is hidden from the page's Resource Timing too:
    // its pictures and fonts are read without waiting to see them loaded.
    if (kind === 'css') for (const inner of cssUrls(new TextDecoder().decode(body.bytes), url)) start(inner, 'file');
    const frame: AssetFrame = { url, type: body.type, data: await base64(body.bytes) };
    if (stopped) return;
    kept.push([ASSET_EVENT, frame]);
    keptBytes += body.bytes.byteLength;
    send(ASSET_EVENT, frame);
  };

  // What the page's browser loads from now on, and what it loaded before sharing began.
  let observer: PerformanceObserver | null = null;
  try {
    observer = new win.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) pageLoaded(entry.name);
    });
    observer.observe({ type: 'resource', buffered: true });
  } catch {
    // No Resource Timing: nothing is known to be loaded, so nothing is read.
  }

  const element = (node: serializedNodeWithId & { type: NodeType.Element }) => {
    const attributes = node.attributes;
    for (const name in attributes) noteAttribute(node.id, node.tagName, name, attributes[name]);
  };
  const noteAttribute = (id: number, tagName: string, name: string, value: unknown) => {
    const slot = assetSlot(tagName, name, value);
    if (slot === 'css') {
      const text = typeof value === 'string' ? value : Object.values(value as object).filter((v) => typeof v === 'string').join(';');
      for (const url of cssUrls(text, base())) consider(url, 'file');
    } else if (slot === 'image' && typeof value === 'string') {
      consider(absolute(value, base()), 'file');
    } else if (slot === 'srcset' && typeof value === 'string') {
      // Every candidate: the one the browser picks is the one it loads (see pageLoaded).
      for (const entry of srcsetEntries(value, base())) consider(entry.url, 'file');
    } else if (slot === 'stylesheet' && typeof value === 'string') {
      // rrweb replaces a link it could read by its text (_cssText): this one it could not.
      const link = nodeOf(id);
      if (link && (link as Element).localName === 'link' && /(^|\s)stylesheet(\s|$)/i.test((link as Element).getAttribute('rel') ?? '')) {
        consider(absolute(value, base()), 'css');
      }
    }
  };
  const styleText = (text: string) => {
    for (const url of cssUrls(text, base())) consider(url, 'file');
  };
  const walk = (node: serializedNodeWithId, parentIsStyle: boolean) => {
    if (node.type === NodeType.Element) {
      element(node);
      const isStyle = node.tagName.toLowerCase() === 'style';
      for (const child of node.childNodes) walk(child, isStyle);
    } else if (node.type === NodeType.Document) {
      for (const child of node.childNodes) walk(child, false);
    } else if (node.type === NodeType.Text && parentIsStyle) {
      styleText(node.textContent);
    }
  };
  const isStyleNode = (id: number) => (nodeOf(id) as Element | null)?.localName === 'style';

  return {
    note(event) {
      if (stopped) return;
      if (event.type === EventType.FullSnapshot) {
        walk(event.data.node, false);
        return;
      }
      if (event.type !== EventType.IncrementalSnapshot) return;
      const data = event.data;
      if (data.source === IncrementalSource.Mutation) {
        for (const added of data.adds) walk(added.node, isStyleNode(added.parentId));
        for (const change of data.attributes) {
          const tagName = (nodeOf(change.id) as Element | null)?.localName;
          if (tagName) for (const name in change.attributes) noteAttribute(change.id, tagName, name, change.attributes[name]);
        }
        // A burst changes many texts and almost none is a style sheet's: one that names no url()
        // has nothing to fetch, and costs no look-up of its node.
        for (const text of data.texts) {
          if (text.value && CSS_URL_HINT.test(text.value) && (nodeOf(text.id)?.parentNode as Element | null)?.localName === 'style') styleText(text.value);
        }
      } else if (data.source === IncrementalSource.StyleSheetRule) {
        for (const add of data.adds ?? []) styleText(add.rule);
      } else if (data.source === IncrementalSource.StyleDeclaration && typeof data.set?.value === 'string') {
        styleText(data.set.value);
      }
    },
    afterSnapshot() {
      // After the snapshot's frame (queued first), in the order they were first sent.
      queueMicrotask(() => {
        if (!stopped) for (const [tag, frame] of kept) send(tag, frame);
      });
    },
    stop() {
      stopped = true;
      aborter.abort();
      observer?.disconnect();
      queue.length = 0;
      kept.length = 0;
    },
  };
}

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return '';
  }
}

// What readAsset answers when every way of reading failed before a response (CORS refused, network).
const UNREADABLE = 'unreadable';

/**
 * The body of an asset the page may read, up to `maxBytes`: with the page's cookies; on another
 * origin, without them when its CORS headers allow no credentials. UNREADABLE when no attempt got
 * a response the page may read (CORS or the network refused it); null when it answered with an
 * error, is too large, or sharing stopped.
 */
async function readAsset(win: Window, url: string, maxBytes: number, signal: AbortSignal):
  Promise<{ type: string; bytes: Uint8Array } | typeof UNREADABLE | null> {
  const sameOrigin = new URL(url).origin === win.location.origin;
  for (const credentials of sameOrigin ? (['include'] as const) : (['include', 'omit'] as const)) {
    if (signal.aborted) return null;
    // Stopping the share or a slow server ends the read (AbortSignal.any is too new to rely on).
    const read = new AbortController();
    const abort = () => read.abort();
    const timer = setTimeout(abort, READ_TIMEOUT_MS);
    signal.addEventListener('abort', abort, { once: true });
    try {
      let res: Response;
      try {
        // A cache hit as a rule: the page's browser loaded it moments ago.
        res = await win.fetch(url, { credentials, mode: 'cors', cache: 'force-cache', signal: read.signal, redirect: 'follow' });
      } catch {
        continue;
      }
      if (!res.ok) return null;
      const bytes = await readBody(res, maxBytes);
      if (!bytes) return null;
      return { type: (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(), bytes };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    }
  }
  // On its own origin the page reads what it may load; only another origin's CORS can refuse it.
  return signal.aborted || sameOrigin ? null : UNREADABLE;
}

async function readBody(res: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (Number(res.headers.get('content-length')) > maxBytes || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    return null;
  }
  return readCapped(res.body.getReader(), maxBytes);
}

/** Base64 by the browser's own encoder (a data: URL), off the page's main loop of string building. */
function base64(bytes: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(new Blob([bytes as BlobPart]));
  });
}
