// The pictures, fonts and style sheets of the customer's page, as the page's browser sent them in
// the stream (ASSET_EVENT), turned into blob: URLs of the console's own origin. The replica loads
// nothing else: every URL in a place that loads (img src/srcset, poster, svg image, background,
// a stylesheet link, url() in a style sheet or a style attribute, a font's src) becomes the blob
// of what the page sent, or nothing (a box, the fallback font). So the agent's browser contacts
// none of the page's servers: they cannot learn the agent's address, and nothing depends on
// cookies or CORS the agent's browser does not have.
// The sender is a browser we do not control: a picture or font is kept only if its first bytes
// say it is one (never SVG, which could carry script), and its blob gets that type, not the
// sender's; text is used only as a style sheet, and only after its own URLs are rewritten.
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { attributeMutation, eventWithTime, serializedNodeWithId } from '@rrweb/types';
import {
  ASSET_EVENT, ASSET_MAX_BYTES, ASSET_UNREADABLE_EVENT, assetSlot, isInline, rewriteCss, sniffAsset, srcsetEntries, type AssetFrame,
} from '@tandem/protocol/wire';

type Stored = { kind: 'file'; blobUrl: string; bytes: number } | { kind: 'css'; text: string; bytes: number };

/** What the console keeps of one session's assets (a page that reloads sends its own again). */
export const CONSOLE_ASSET_BYTES = 8 * 1024 * 1024;

export { sniffAsset };

function decodeBase64(data: string): Uint8Array | null {
  try {
    const text = atob(data);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** The asset frame in a custom event's data, if it is one. */
export function assetFrameOf(data: unknown): AssetFrame | null {
  const d = data as { tag?: unknown; payload?: Partial<AssetFrame> } | null;
  if (!d || d.tag !== ASSET_EVENT || !d.payload) return null;
  const { url, type, data: body } = d.payload;
  return typeof url === 'string' && typeof type === 'string' && typeof body === 'string' ? { url, type, data: body } : null;
}

// Longer than any URL a page loads pictures by; the server refuses longer ones too.
const MAX_URL_LENGTH = 8 * 1024;

/** The URL of an unreadable-asset event's data (ASSET_UNREADABLE_EVENT), if it is one. */
export function unreadableAssetOf(data: unknown): string | null {
  const d = data as { tag?: unknown; payload?: { url?: unknown } } | null;
  if (!d || d.tag !== ASSET_UNREADABLE_EVENT || !d.payload) return null;
  const url = d.payload.url;
  return typeof url === 'string' && /^https?:\/\//i.test(url) && url.length <= MAX_URL_LENGTH ? url : null;
}

export class AssetStore {
  private readonly assets = new Map<string, Stored>();
  private bytes = 0;

  constructor(private readonly maxBytes = CONSOLE_ASSET_BYTES) {}

  /** Keeps what the page sent; false when it is not something the replica may use. */
  put(frame: AssetFrame): boolean {
    if (!/^https?:/i.test(frame.url) || frame.data.length > Math.ceil(ASSET_MAX_BYTES / 3) * 4) return false;
    const bytes = decodeBase64(frame.data);
    return bytes ? this.putBytes(frame.url, frame.type, bytes) : false;
  }

  /** Keeps an asset's bytes (as the page sent them, or as Tandem fetched them); false when the replica may not use them. */
  putBytes(url: string, contentType: string, bytes: Uint8Array): boolean {
    if (!/^https?:/i.test(url) || bytes.byteLength === 0 || bytes.byteLength > ASSET_MAX_BYTES) return false;
    const frame = { url, type: contentType };
    const type = sniffAsset(bytes);
    let stored: Stored;
    if (type) {
      stored = { kind: 'file', blobUrl: URL.createObjectURL(new Blob([bytes as BlobPart], { type })), bytes: bytes.byteLength };
    } else if (frame.type === 'text/css') {
      stored = { kind: 'css', text: new TextDecoder().decode(bytes), bytes: bytes.byteLength };
    } else {
      return false;
    }
    this.drop(frame.url);
    this.assets.set(frame.url, stored);
    this.bytes += stored.bytes;
    // Oldest first (a Map iterates in insertion order) until the newest fits.
    for (const [old] of this.assets) {
      if (this.bytes <= this.maxBytes || old === frame.url) break;
      this.drop(old);
    }
    return true;
  }

  /** The blob: URL of a picture or font the page sent, or null. */
  file(url: string): string | null {
    const a = this.assets.get(url);
    return a?.kind === 'file' ? a.blobUrl : null;
  }

  /** The text of a style sheet the page sent, or null. */
  css(url: string): string | null {
    const a = this.assets.get(url);
    return a?.kind === 'css' ? a.text : null;
  }

  clear(): void {
    for (const url of [...this.assets.keys()]) this.drop(url);
  }

  private drop(url: string): void {
    const a = this.assets.get(url);
    if (!a) return;
    if (a.kind === 'file') URL.revokeObjectURL(a.blobUrl);
    this.bytes -= a.bytes;
    this.assets.delete(url);
  }
}

type Value = string | Record<string, unknown> | null;

/** An element attribute (or a style text node's text) rewritten without some assets, and what it was. */
interface Waiting {
  attributes: Record<string, Value>;
  text: string | null;
  missing: Set<string>;
}

/**
 * Rewrites every URL of the stream that would load something (see above), in place, before rrweb
 * sees the event. What was rewritten without an asset that may still come is remembered by rrweb
 * id: when the asset arrives, `arrived` gives the original values again as a mutation, which is
 * rewritten like any other. One rewriter per replica (a full snapshot starts it over).
 */
export class AssetRewriter {
  private waiting = new Map<number, Waiting>();
  private styleTexts = new Set<number>();
  private styles = new Set<number>();
  // rrweb id -> tag, to judge attribute changes by the element they land on.
  private tags = new Map<number, string>();

  constructor(private readonly store: AssetStore) {}

  rewrite(event: eventWithTime): void {
    if (event.type === EventType.FullSnapshot) {
      this.waiting = new Map();
      this.styleTexts = new Set();
      this.styles = new Set();
      this.tags = new Map();
      this.walk(event.data.node, false);
      return;
    }
    if (event.type !== EventType.IncrementalSnapshot) return;
    const data = event.data;
    if (data.source === IncrementalSource.Mutation) {
      for (const removed of data.removes) this.waiting.delete(removed.id);
      for (const added of data.adds) this.walk(added.node, this.styles.has(added.parentId));
      for (const change of data.attributes) this.change(change);
      for (const text of data.texts) {
        if (this.styleTexts.has(text.id) && typeof text.value === 'string') text.value = this.styleText(text.id, text.value);
      }
    } else if (data.source === IncrementalSource.StyleSheetRule) {
      // Rules added through the CSSOM; one that names an asset not yet sent stays without it.
      for (const add of data.adds ?? []) add.rule = this.cssNow(add.rule);
    } else if (data.source === IncrementalSource.StyleDeclaration && data.set) {
      if (typeof data.set.value === 'string') data.set.value = this.cssNow(data.set.value);
    } else if (data.source === IncrementalSource.AdoptedStyleSheet) {
      for (const style of data.styles ?? []) for (const rule of style.rules) rule.rule = this.cssNow(rule.rule);
    }
  }

  /**
   * The page sent `url`: the original values of every node that is missing it, as one mutation's
   * attribute and text changes (empty when nothing waited for it).
   */
  arrived(url: string): { attributes: attributeMutation[]; texts: { id: number; value: string }[] } {
    const attributes: attributeMutation[] = [];
    const texts: { id: number; value: string }[] = [];
    for (const [id, w] of this.waiting) {
      if (!w.missing.has(url)) continue;
      if (w.text !== null) texts.push({ id, value: w.text });
      if (Object.keys(w.attributes).length > 0) attributes.push({ id, attributes: { ...w.attributes } as attributeMutation['attributes'] });
    }
    return { attributes, texts };
  }

  private walk(node: serializedNodeWithId, parentIsStyle: boolean): void {
    if (node.type === NodeType.Element) {
      const isStyle = node.tagName.toLowerCase() === 'style';
      if (isStyle) this.styles.add(node.id);
      this.element(node.id, node.tagName, node.attributes);
      for (const child of node.childNodes) this.walk(child, isStyle);
    } else if (node.type === NodeType.Document) {
      for (const child of node.childNodes) this.walk(child, false);
    } else if (node.type === NodeType.Text && parentIsStyle) {
      this.styleTexts.add(node.id);
      node.textContent = this.styleText(node.id, node.textContent);
    }
  }

  private change(change: attributeMutation): void {
    // The element's tag is what its first appearance said; attribute changes never change it.
    const tag = this.tags.get(change.id);
    if (tag) this.element(change.id, tag, change.attributes as Record<string, unknown>);
  }

  private element(id: number, tagName: string, attributes: Record<string, unknown>): void {
    this.tags.set(id, tagName);
    for (const name of Object.keys(attributes)) {
      const value = attributes[name];
      // rrweb sets an image's src from this: only an inline picture may be there.
      if (name === 'rr_dataURL' && !(typeof value === 'string' && /^data:image\/(?!svg)/i.test(value))) attributes[name] = null;
      const slot = assetSlot(tagName, name, value);
      if (!slot) continue;
      const missing = new Set<string>();
      const resolve = (url: string) => {
        if (!url) return null;
        const local = this.store.file(url);
        if (!local) missing.add(url);
        return local;
      };
      if (slot === 'drop') {
        attributes[name] = null;
      } else if (slot === 'image') {
        const url = typeof value === 'string' ? value.trim() : '';
        attributes[name] = isInline(url) && !/^data:image\/svg/i.test(url) ? url : (url && resolve(absolute(url))) || null;
      } else if (slot === 'srcset') {
        const kept = srcsetEntries(value as string, 'about:blank').filter((e) => !/^data:image\/svg/i.test(e.url))
          .map((e) => ({ ...e, url: isInline(e.url) ? e.url : resolve(e.url) })).filter((e) => e.url);
        attributes[name] = kept.length ? kept.map((e) => `${e.url}${e.descriptor ? ` ${e.descriptor}` : ''}`).join(', ') : null;
      } else if (slot === 'stylesheet') {
        // A sheet rrweb could not read, as the page sent it: inlined like the ones rrweb read.
        const url = typeof value === 'string' ? absolute(value) : '';
        const css = url ? this.store.css(url) : null;
        if (css === null) {
          if (url) missing.add(url);
          attributes[name] = null;
        } else {
          delete attributes[name];
          attributes['_cssText'] = rewriteCss(css, url, resolve);
        }
      } else if (slot === 'css' && typeof value === 'string') {
        attributes[name] = rewriteCss(value, 'about:blank', resolve);
      } else if (slot === 'css' && value && typeof value === 'object') {
        // A style attribute change as rrweb's diff: property -> value, or [value, priority].
        const diff = value as Record<string, unknown>;
        for (const prop of Object.keys(diff)) {
          const v = diff[prop];
          if (typeof v === 'string') diff[prop] = rewriteCss(v, 'about:blank', resolve);
          else if (Array.isArray(v) && typeof v[0] === 'string') diff[prop] = [rewriteCss(v[0], 'about:blank', resolve), v[1]];
        }
      }
      this.remember(id, name, value, missing);
    }
  }

  /** A style element's text, rewritten; remembered while an asset it names is missing. */
  private styleText(id: number, text: string): string {
    const missing = new Set<string>();
    const out = rewriteCss(text, 'about:blank', (url) => {
      const local = this.store.file(url);
      if (!local) missing.add(url);
      return local;
    });
    const w = this.waiting.get(id);
    if (missing.size > 0) this.waiting.set(id, { attributes: w?.attributes ?? {}, text, missing: new Set([...(w?.missing ?? []), ...missing]) });
    else if (w) w.text = null;
    return out;
  }

  /** CSS rules changed through the CSSOM: rewritten with what is there now (nothing waits for the rest). */
  private cssNow(text: string): string {
    return rewriteCss(text, 'about:blank', (url) => this.store.file(url));
  }

  /** Remembers the original value while some asset in it is missing; forgets it once a newer value came. */
  private remember(id: number, name: string, original: unknown, missing: Set<string>): void {
    const w = this.waiting.get(id);
    if (missing.size === 0) {
      if (w) delete w.attributes[name];
      // A stylesheet link now inlined also waits no more for its href.
      return;
    }
    const entry = w ?? { attributes: {}, text: null, missing: new Set<string>() };
    entry.attributes[name] = original as Value;
    for (const url of missing) entry.missing.add(url);
    this.waiting.set(id, entry);
  }
}

// rrweb writes absolute URLs; anything else cannot be looked up (and is dropped).
function absolute(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return '';
  }
}
