// A full snapshot as one HTML string, for the browser's own parser to build the replica in one go
// (replica-parsed-build.ts) instead of rrweb creating it node by node. Only what plain markup
// reproduces exactly is written out: nodes rrweb builds in a way of its own (style sheets it
// adapts for :hover, scripts it turns into noscript, canvases, shadow roots, frames, dialogs...)
// are left to rrweb, as mutations added after the parse; a snapshot with what neither can take
// (media elements, CDATA, nested documents) is not planned at all and rrweb rebuilds it whole.
// A picture no rrweb takes over (forPicture: early-view.ts) writes shadow roots as declarative
// shadow DOM with their own sheets inside, frames as empty boxes, and dialogs as markup, marking
// the modal ones for the picture to open in its top layer.
import { NodeType } from '@rrweb/types';
import type { serializedNodeWithId } from '@rrweb/types';
import { EMBEDDING_KEEPS } from './replica-scrub.ts';

type SerializedElement = Extract<serializedNodeWithId, { type: NodeType.Element }>;

/** A node rrweb builds itself, in rrweb's mutation form. */
export interface RrwebAdd {
  parentId: number;
  nextId: number | null;
  node: serializedNodeWithId;
}

export interface ParsedBuildPlan {
  html: string;
  /** In an order where each node's parent and next sibling exist by the time it is added. */
  adds: RrwebAdd[];
  /** The ids of the nodes in `adds`: the parsed tree does not have them. */
  addedIds: Set<number>;
  /** rrweb's rr_width / rr_height: set as style properties once the element exists, as rrweb does. */
  sizes: { id: number; width?: string; height?: string }[];
  /** rrweb's rr_scrollLeft / rr_scrollTop, set once the whole tree is built. */
  scrolls: { id: number; left?: number; top?: number }[];
  /** Custom elements the page had defined (rrweb defines an empty class for each in the replica). */
  customTags: string[];
}

// The same renames of SVG tags rrweb makes (its tagMap); the parser makes the same ones itself.
const SVG_TAGS: Record<string, string> = Object.fromEntries([
  'altGlyph', 'altGlyphDef', 'altGlyphItem', 'animateColor', 'animateMotion', 'animateTransform', 'clipPath', 'feBlend',
  'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix', 'feDiffuseLighting', 'feDisplacementMap',
  'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA', 'feFuncB', 'feFuncG', 'feFuncR', 'feGaussianBlur', 'feImage',
  'feMerge', 'feMergeNode', 'feMorphology', 'feOffset', 'fePointLight', 'feSpecularLighting', 'feSpotLight', 'feTile',
  'feTurbulence', 'foreignObject', 'glyphRef', 'linearGradient', 'radialGradient',
].map((name) => [name.toLowerCase(), name]));

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
// Elements rrweb builds in a way markup cannot say, or whose text the parser would not read as
// text (raw text elements), or that rrweb wires up after building (frames, dialogs, shadow roots).
const BUILT_BY_RRWEB = new Set(['script', 'noscript', 'style', 'xmp', 'noembed', 'noframes', 'plaintext', 'iframe', 'frame', 'dialog']);
// Elements rrweb's full rebuild registers with its media manager: no parsed build at all.
const NOT_PLANNED = new Set(['video', 'audio']);
// In a picture (forPicture), what rrweb would build but a picture can show as the empty box it
// is, for the moment until the console's replica replaces it: a frame, whose page rrweb attaches
// from the snapshot or which arrives in changes of its own, and a video or an audio player, which
// rrweb registers with its media manager (the replica plays nothing either: its policy allows no
// media). Without them a page with any iframe (a payment form, a chat widget) or any video had no
// picture at all. (A canvas reaches the console as a box of its size already; one with rrweb's
// rr_dataURL, which Tandem's SDK never sends, still has none.)
const PICTURE_BOXES = new Set(['iframe', 'video', 'audio']);
// A player's box keeps its controls: an audio element without them takes no room at all.
const MEDIA_BOX_KEEPS = /^controls$/;
// rrweb's special attributes the parsed build applies itself; any other rr_ attribute is rrweb's.
const SIZE_OR_SCROLL = new Set(['rr_width', 'rr_height', 'rr_scrollLeft', 'rr_scrollTop']);
// How an open dialog was opened (rrweb's rr_open_mode: 'modal' or 'non-modal'). Markup can say
// open and closed; only a call puts a dialog in the top layer, so a picture marks a modal one
// (PICTURE_MODAL_ATTRIBUTE) and opens it after the write. Without it a page with any dialog (a
// cookie notice, a checkout's modal, closed or open) had no picture at all.
const OPEN_MODE = 'rr_open_mode';
// Names both markup and setAttribute() accept alike (anything else: rrweb sets or drops it).
const PLAIN_ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const PLAIN_TAG = /^[a-z][a-z0-9-]*$/i;
// What the parser keeps in <head> (anything else there ends the head: it would land in <body>).
const HEAD_CONTENT = new Set(['base', 'basefont', 'bgsound', 'link', 'meta', 'title', 'noscript', 'noframes', 'style', 'script', 'template']);
// The parser drops one newline right after these start tags.
const LEADING_NEWLINE_DROPPED = new Set(['pre', 'listing', 'textarea']);

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '\r': '&#13;' };

function escapeText(text: string): string {
  return /[&<>\r]/.test(text) ? text.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!) : text;
}

function escapeAttribute(value: string): string {
  return /[&"\r]/.test(value) ? value.replace(/[&"\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!) : value;
}

/** As rrweb: handlers it renames so that they could never run. */
export function writtenAttributeName(name: string): string {
  return name === 'onload' || name === 'onclick' || name.startsWith('onmouse') ? `_${name}` : name;
}

/** The tag rrweb would create for the element (its getTagName). */
export function replicaTagName(n: SerializedElement): string {
  if (n.tagName === 'script') return 'noscript';
  if (n.tagName === 'link' && n.attributes['_cssText']) return 'style';
  return n.isSVG ? (SVG_TAGS[n.tagName] ?? n.tagName) : n.tagName;
}

/**
 * Whether the parser cannot be trusted to write this element (rrweb builds it, with its subtree).
 * A picture writes shadow roots as markup (declarative shadow DOM): no rrweb takes it over.
 */
function builtByRrweb(n: SerializedElement, picture: boolean): boolean {
  if (!picture && (n.isShadowHost || n.isShadow)) return true;
  // Not written as the page had it: a picture shows it as a box (pictureBox), with or without rrweb's attributes.
  if (picture && pictureBox(n)) return true;
  const pictureDialog = picture && n.tagName === 'dialog' && !n.isSVG;
  if (!PLAIN_TAG.test(n.tagName) || (BUILT_BY_RRWEB.has(n.tagName) && !pictureDialog)) return true;
  const attrs = n.attributes;
  if (n.tagName === 'link' && (attrs['_cssText'] || attrs['rel'] === 'modulepreload' || attrs['rel'] === 'prefetch' ||
    (attrs['rel'] === 'preload' && attrs['as'] === 'script'))) return true;
  if (n.tagName === 'meta' && attrs['http-equiv'] === 'Content-Security-Policy') return true;
  for (const name in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, name)) continue;
    if (name.startsWith('rr_') ? !SIZE_OR_SCROLL.has(name) && !(pictureDialog && name === OPEN_MODE) : !PLAIN_ATTRIBUTE.test(name)) return true;
    const value = attrs[name];
    if (typeof value === 'string' && value.includes('\0')) return true;
  }
  return false;
}

/**
 * The style sheet an element of the snapshot carries: a `<style>`'s text, or a readable linked
 * sheet rrweb inlined as `_cssText`; null for any other element.
 */
export function sheetOf(n: SerializedElement): { css: string; media: string | null } | null {
  const media = typeof n.attributes['media'] === 'string' ? n.attributes['media'] : null;
  const inlined = n.attributes['_cssText'];
  if ((n.tagName === 'style' || n.tagName === 'link') && typeof inlined === 'string') return { css: inlined, media };
  if (n.tagName !== 'style') return null;
  let css = '';
  for (const c of n.childNodes) if (c.type === NodeType.Text) css += c.textContent;
  return { css, media };
}

/** Whether a picture's box keeps this attribute: what lays it out, nothing it would load or play. */
function boxKeeps(tag: string, name: string): boolean {
  return EMBEDDING_KEEPS.test(name) || (tag !== 'iframe' && MEDIA_BOX_KEEPS.test(name));
}

/** An element a picture shows as an empty box (PICTURE_BOXES). */
function pictureBox(n: SerializedElement): boolean {
  return PICTURE_BOXES.has(n.tagName) && !n.isSVG && !n.isShadowHost && !n.isShadow;
}

/**
 * A node the page put where markup cannot (its scripts can: the SDK's own UI host is a child of
 * <html>): the parser would move it into <body>, so rrweb adds it where it was.
 */
function misplaced(parent: serializedNodeWithId, c: serializedNodeWithId): boolean {
  if (parent.type !== NodeType.Element || parent.isSVG || (parent.tagName !== 'html' && parent.tagName !== 'head')) return false;
  if (c.type === NodeType.Text) return c.textContent.trim() !== '';
  if (c.type !== NodeType.Element) return false;
  return parent.tagName === 'html' ? c.tagName !== 'head' && c.tagName !== 'body' : !HEAD_CONTENT.has(c.tagName);
}

function textBuiltByRrweb(text: string): boolean {
  // The parser turns NUL into U+FFFD, and never makes an empty text node.
  return text === '' || text.includes('\0');
}

function commentBuiltByRrweb(data: string): boolean {
  return data.includes('-->') || data.includes('--!>') || data.startsWith('>') || data.startsWith('->') || data.endsWith('<!-') || data.includes('\0');
}

/** On an element of a picture's markup (planParsedBuild's forPicture): its index in `sizes`. */
export const PICTURE_SIZE_ATTRIBUTE = 'data-tandem-picture-size';
/** On an element of a picture's markup that the customer had scrolled: its index in `scrolls`. */
export const PICTURE_SCROLL_ATTRIBUTE = 'data-tandem-picture-scroll';
/** On a dialog of a picture's markup that the page had open as modal: the picture opens it so. */
export const PICTURE_MODAL_ATTRIBUTE = 'data-tandem-picture-modal';
/** On a shadow host of a picture's markup: its rrweb id (the style sheets a page adopts name it). */
export const PICTURE_HOST_ATTRIBUTE = 'data-tandem-picture-host';

/** How rrweb shows a blocked element (the page's own UI, `data-tandem-block`): a striped box of its size. */
export const BLOCK_BOX_CSS = '[data-tandem-block] { background: repeating-linear-gradient(45deg, #c8ccd4 0 6px, #e3e6eb 6px 12px) !important; }';

class Planner {
  private out: string[] = [];
  readonly adds: RrwebAdd[] = [];
  readonly addedIds = new Set<number>();
  readonly sizes: ParsedBuildPlan['sizes'] = [];
  readonly scrolls: ParsedBuildPlan['scrolls'] = [];
  readonly customTags = new Set<string>();
  notPlanned = false;
  // Inside a shadow tree written as markup (a picture's): its own style sheets go inline there.
  private inShadow = false;

  constructor(private readonly forPicture: boolean) {}

  html(): string {
    return this.out.join('');
  }

  document(root: serializedNodeWithId): void {
    if (root.type !== NodeType.Document) return void (this.notPlanned = true);
    this.children(root, root.childNodes, null);
  }

  private children(parent: serializedNodeWithId, childNodes: serializedNodeWithId[], rawTag: string | null): void {
    const later: RrwebAdd[] = [];
    let first = true;
    for (let i = 0; i < childNodes.length && !this.notPlanned; i++) {
      const c = childNodes[i]!;
      if (c.rootId !== undefined) return void (this.notPlanned = true);
      const nextId = childNodes[i + 1]?.id ?? null;
      const misplacedHere = misplaced(parent, c);
      if (this.forRrweb(c) || misplacedHere) {
        if (this.forPicture && !misplacedHere && c.type === NodeType.Element && pictureBox(c)) this.element(c, true);
        else if (this.forPicture && this.inShadow && c.type === NodeType.Element) this.shadowStyle(c);
        else later.push({ parentId: parent.id, nextId, node: c });
        continue;
      }
      if (c.type === NodeType.Text) {
        let text = c.textContent;
        if (first && rawTag && LEADING_NEWLINE_DROPPED.has(rawTag) && text.startsWith('\n')) text = `\n${text}`;
        this.out.push(escapeText(text));
      } else if (c.type === NodeType.Comment) {
        this.out.push(`<!--${c.textContent}-->`);
      } else if (c.type === NodeType.DocumentType) {
        this.out.push(doctypeMarkup(c.name, c.publicId, c.systemId));
      } else if (c.type === NodeType.Element) {
        this.element(c);
      } else {
        this.notPlanned = true;
      }
      first = false;
    }
    // Right to left: each node's next sibling is in the tree (parsed, or added just before it).
    for (let i = later.length - 1; i >= 0; i--) this.flatten(later[i]!);
  }

  private forRrweb(n: serializedNodeWithId): boolean {
    if (n.type === NodeType.Element) {
      if (NOT_PLANNED.has(n.tagName) && !(this.forPicture && pictureBox(n))) this.notPlanned = true;
      return builtByRrweb(n, this.forPicture);
    }
    if (n.type === NodeType.Text) return textBuiltByRrweb(n.textContent);
    if (n.type === NodeType.Comment) return commentBuiltByRrweb(n.textContent);
    if (n.type === NodeType.CDATA) this.notPlanned = true;
    return false;
  }

  /** box: for a picture, the element as an empty box (pictureBox), with only what lays it out. */
  private element(n: SerializedElement, box = false): void {
    const tag = replicaTagName(n);
    if (n.isCustom) this.customTags.add(n.tagName);
    const attrs = n.attributes;
    const isField = tag === 'input' || tag === 'textarea';
    let markup = `<${tag}`;
    let autocomplete = false;
    let size: ParsedBuildPlan['sizes'][number] | null = null;
    let scroll: ParsedBuildPlan['scrolls'][number] | null = null;
    let textareaValue: string | null = null;
    // A modal dialog is written closed: showModal() opens only a dialog that is not open yet.
    const modal = this.forPicture && tag === 'dialog' && attrs[OPEN_MODE] === 'modal';
    for (const name in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, name)) continue;
      const raw = attrs[name];
      if (raw === null || raw === undefined || (tag === 'option' && name === 'selected' && (raw as unknown) === false)) continue;
      const value = raw === true ? '' : String(raw);
      // A box keeps what its layout needs, whatever the scrubber let through: nothing it would load.
      if (box && !name.startsWith('rr_') && (!PLAIN_ATTRIBUTE.test(name) || !boxKeeps(tag, name.toLowerCase()))) continue;
      if (modal && name === 'open') continue;
      if (name.startsWith('rr_')) {
        if (name === 'rr_width') (size ??= { id: n.id }).width = value;
        else if (name === 'rr_height') (size ??= { id: n.id }).height = value;
        else if (name === 'rr_scrollLeft') (scroll ??= { id: n.id }).left = Number(raw);
        else if (name === 'rr_scrollTop') (scroll ??= { id: n.id }).top = Number(raw);
        continue;
      }
      if (tag === 'textarea' && name === 'value') {
        textareaValue = value;
        continue;
      }
      const written = writtenAttributeName(name);
      // As rrweb: the replica's fields never offer the agent's own autofill.
      if (isField && name === 'autocomplete') {
        autocomplete = true;
        markup += ' autocomplete="off"';
      } else {
        markup += value === '' ? ` ${written}` : ` ${written}="${escapeAttribute(value)}"`;
      }
    }
    if (isField && !autocomplete) markup += ' autocomplete="off"';
    if (this.forPicture && n.isShadowHost) markup += ` ${PICTURE_HOST_ATTRIBUTE}="${n.id}"`;
    if (modal) markup += ` ${PICTURE_MODAL_ATTRIBUTE}`;
    // Nested in the picture's sandboxed frame it is sandboxed anyway; said again, and it has no page.
    if (box && tag === 'iframe') markup += ' sandbox=""';
    if (size) {
      if (this.forPicture) markup += ` ${PICTURE_SIZE_ATTRIBUTE}="${this.sizes.length}"`;
      this.sizes.push(size);
    }
    if (scroll) {
      if (this.forPicture) markup += ` ${PICTURE_SCROLL_ATTRIBUTE}="${this.scrolls.length}"`;
      this.scrolls.push(scroll);
    }
    this.out.push(`${markup}>`);
    const isVoid = !n.isSVG && VOID.has(tag);
    if (isVoid) {
      if (n.childNodes.length) this.notPlanned = true;
      return;
    }
    if (box) {
      this.out.push(`</${tag}>`);
      return;
    }
    if (this.forPicture && n.isShadowHost) {
      // rrweb lists the shadow root's children (isShadow) among the host's own.
      this.out.push(`<template shadowrootmode="open">`);
      const outer = this.inShadow;
      this.inShadow = true;
      this.children(n, n.childNodes.filter((c) => c.isShadow === true), null);
      this.inShadow = outer;
      this.out.push('</template>');
      this.children(n, n.childNodes.filter((c) => c.isShadow !== true), tag);
      this.out.push(`</${tag}>`);
      return;
    }
    if (textareaValue !== null) {
      // rrweb writes the value as the field's text and drops its children.
      this.out.push(escapeText(textareaValue.startsWith('\n') ? `\n${textareaValue}` : textareaValue));
    } else {
      this.children(n, n.childNodes, n.isSVG ? null : tag);
    }
    this.out.push(`</${tag}>`);
  }

  /**
   * In a picture's shadow tree, a style sheet of the shadow root's own, written where it is (the
   * page's own sheets are added to the picture's head: replica-first-view.ts). Anything else rrweb
   * would build there is left out of the picture.
   */
  private shadowStyle(n: SerializedElement): void {
    const sheet = sheetOf(n);
    if (!sheet) return;
    // The parser ends a style element at the first `</style`; `\3c ` is CSS's own escape for `<`.
    const text = sheet.css.replace(/<\/style/gi, '\\3c /style');
    this.out.push(`<style${sheet.media !== null ? ` media="${escapeAttribute(sheet.media)}"` : ''}>${text}</style>`);
  }

  /** A node rrweb builds, and its subtree: one mutation add each, parents before children. */
  private flatten(add: RrwebAdd): void {
    const n = add.node;
    if (n.type === NodeType.Element && NOT_PLANNED.has(n.tagName)) this.notPlanned = true;
    if (n.type === NodeType.CDATA || n.rootId !== undefined) this.notPlanned = true;
    this.adds.push(add);
    this.addedIds.add(n.id);
    if (n.type !== NodeType.Element) return;
    const attrs = n.attributes;
    if (attrs['rr_scrollLeft'] !== undefined || attrs['rr_scrollTop'] !== undefined) {
      this.scrolls.push({ id: n.id, left: attrs['rr_scrollLeft'] as number | undefined, top: attrs['rr_scrollTop'] as number | undefined });
    }
    // rrweb drops a textarea's children when it has a value (its text is the value).
    if (n.tagName === 'textarea' && typeof attrs['value'] === 'string') return;
    const kids = n.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) this.flatten({ parentId: n.id, nextId: kids[i + 1]?.id ?? null, node: kids[i]! });
  }
}

export function doctypeMarkup(name: string, publicId: string, systemId: string): string {
  const quote = (id: string) => `"${id.replace(/"/g, '')}"`;
  const ids = publicId ? ` PUBLIC ${quote(publicId)}${systemId ? ` ${quote(systemId)}` : ''}` : systemId ? ` SYSTEM ${quote(systemId)}` : '';
  return `<!DOCTYPE ${name.replace(/[^A-Za-z0-9-]/g, '') || 'html'}${ids}>`;
}

/**
 * The snapshot's markup and what rrweb must add to it; null when rrweb should rebuild it whole.
 * forPicture: for a picture no rrweb takes over (early-view.ts), each element with a size or a
 * scroll position says which one, so that it can be sized and scrolled without rrweb's ids.
 */
export function planParsedBuild(root: serializedNodeWithId, options: { forPicture?: boolean } = {}): ParsedBuildPlan | null {
  const planner = new Planner(options.forPicture === true);
  planner.document(root);
  if (planner.notPlanned) return null;
  return {
    html: planner.html(),
    adds: planner.adds,
    addedIds: planner.addedIds,
    sizes: planner.sizes,
    scrolls: planner.scrolls,
    customTags: [...planner.customTags],
  };
}

/** rrweb's empty class for each custom element the page had, so that `:defined` matches alike. */
export function defineCustomElements(doc: Document, tags: string[]): boolean {
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (!tags.length) return true;
  if (!win?.customElements) return false;
  try {
    for (const tag of tags) if (!win.customElements.get(tag)) win.customElements.define(tag, class extends win.HTMLElement {});
    return true;
  } catch {
    return false;
  }
}
