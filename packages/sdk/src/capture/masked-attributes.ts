// Which attributes of a serialised element may leave the page. Pure functions over rrweb's
// attribute records, so the rules can be read (and tested) apart from the DOM.
//
// Inside a masked subtree the rule is an allowlist: only what layout needs survives — the tag and
// the tree (kept by the caller), `class`, sizes, and the few presentational attributes whose values
// come from a fixed vocabulary. Everything else (title, aria-*, alt, placeholder, href, src, data-*,
// id, any attribute a future page invents) is dropped, so there is no list of dangerous
// attributes to keep up to date, and CSS `content: attr(x)` in the replica has nothing to draw.
//
// Outside masked subtrees the page is shown, but two kinds of attribute are never page copy:
// a document carried inline (an iframe's `srcdoc`, a `data:`/`javascript:` URL loaded as a frame:
// the frame's document is captured and masked as its own tree instead), and `<meta>` content,
// which is for machines (CSRF tokens, user ids) except the viewport and colour scheme.

// rrweb's style-attribute mutations carry a per-property diff instead of the attribute's text.
export type StyleDiff = Record<string, string | [string, string] | false>;
export type AttributeValue = string | number | boolean | null | StyleDiff;
export type Attributes = Record<string, AttributeValue>;

export interface StyleDeclaration {
  name: string;
  value: string;
  priority: string;
}

/** What the live element says about itself, for the attributes whose raw text cannot be trusted. */
export interface ElementFacts {
  /** an input's or button's `type` as the browser understood it (never the raw attribute) */
  controlType?: string;
  /** the element's inline style as the browser parsed it (valid declarations only) */
  declarations?: readonly StyleDeclaration[];
  /** the rendered size of a replaced element (img, video…), which keeps its box once src is gone */
  box?: { width: number; height: number };
}

const SIZE_ATTRIBUTES = new Set(['width', 'height', 'rows', 'cols', 'size', 'span', 'colspan', 'rowspan', 'cellpadding', 'cellspacing', 'border']);
const SIZE_VALUE = /^\s*(?:[\d.]+(?:\s*(?:px|%|em|rem))?|auto)\s*$/i;
const VIEWBOX_VALUE = /^[\d\s.,eE+-]*$/;
// Boolean attributes that change the box an element draws; their values are dropped.
const LAYOUT_FLAGS = new Set(['hidden', 'open', 'multiple']);
const DIRECTIONS = new Set(['ltr', 'rtl', 'auto']);
// rrweb's own bookkeeping: scroll offsets, a blocked element's box, a dialog's mode, media state.
// A page can write attributes with these names too, so each keeps only values of its own shape.
const RRWEB_LAYOUT: Record<string, RegExp> = {
  rr_width: /^[\d.]+px$/,
  rr_height: /^[\d.]+px$/,
  rr_scrollLeft: /^-?[\d.]+$/,
  rr_scrollTop: /^-?[\d.]+$/,
  rr_open_mode: /^(modal|non-modal)$/,
  rr_mediaState: /^(played|paused)$/,
  rr_mediaCurrentTime: /^[\d.]+$/,
  rr_mediaPlaybackRate: /^[\d.]+$/,
  rr_mediaMuted: /^(true|false)$/,
  rr_mediaLoop: /^(true|false)$/,
  rr_mediaVolume: /^[\d.]+$/,
};
// Tandem's markers, which the site wrote and the viewer draws (masked text, blocked box).
const TANDEM_MARKERS = new Set(['data-tandem-mask', 'data-tandem-block']);
export const REPLACED_ELEMENTS: ReadonlySet<string> = new Set(['img', 'video', 'canvas', 'embed', 'object', 'iframe', 'picture', 'audio']);

// CSS properties that place and size boxes and whose valid values are numbers, lengths, colours
// and fixed keywords: none of them can hold a page's text (unlike content, font-family, grid
// line names or custom properties). The value check below removes var()/attr()/url() as well.
const LAYOUT_PROPERTY = new RegExp(
  '^(display|position|top|right|bottom|left|inset(-[a-z-]+)?|float|clear|box-sizing|' +
    '(min-|max-)?(width|height|inline-size|block-size)|margin(-[a-z-]+)?|padding(-[a-z-]+)?|' +
    'border(-[a-z]+)*-(width|style)|overflow(-[xy])?|visibility|opacity|z-index|' +
    'flex(-grow|-shrink|-basis|-direction|-wrap)?|justify-[a-z]+|align-[a-z]+|place-[a-z]+|order|' +
    '(row-|column-)?gap|grid-template-(columns|rows)|grid-auto-(columns|rows|flow)|' +
    'font-size|font-weight|font-style|line-height|letter-spacing|text-align|vertical-align|white-space|' +
    'color|background-color|transform|aspect-ratio|table-layout|list-style-type)$',
);
// Functions a layout value may use; any other (var, attr, url, env, image-set…) drops the declaration.
const LAYOUT_FUNCTIONS =
  /\b(calc|min|max|clamp|rgba?|hsla?|minmax|repeat|fit-content|translate[xyz3d]*|scale[xyz3d]*|rotate[xyz3d]*|matrix(3d)?|skew[xy]?)\(/gi;
const SAFE_CSS_VALUE = /^[\w\s.,%#()/+*-]*$/;

function isLayoutDeclaration(name: string, value: string): boolean {
  if (!LAYOUT_PROPERTY.test(name)) return false;
  if (!SAFE_CSS_VALUE.test(value)) return false;
  return !/[\w-]\(/.test(value.replace(LAYOUT_FUNCTIONS, '('));
}

export function layoutStyle(declarations: readonly StyleDeclaration[]): string {
  return declarations
    .filter((d) => isLayoutDeclaration(d.name, d.value))
    .map((d) => `${d.name}: ${d.value}${d.priority ? ` !${d.priority}` : ''};`)
    .join(' ');
}

function layoutStyleDiff(diff: StyleDiff): StyleDiff {
  const kept: StyleDiff = {};
  for (const [name, change] of Object.entries(diff)) {
    if (change === false) {
      kept[name] = false;
      continue;
    }
    const value = typeof change === 'string' ? change : change[0];
    if (isLayoutDeclaration(name, value)) kept[name] = change;
  }
  return kept;
}

function keptLayoutValue(tagName: string, name: string, value: AttributeValue, facts: ElementFacts,
  mask: (text: string) => string): AttributeValue | undefined {
  if (name === 'class') return value;
  if (TANDEM_MARKERS.has(name) || LAYOUT_FLAGS.has(name)) return value === null ? null : '';
  const shape = Object.hasOwn(RRWEB_LAYOUT, name) ? RRWEB_LAYOUT[name] : undefined;
  if (shape) return shape.test(String(value)) ? value : undefined;
  if (name === '_cssText') return typeof value === 'string' ? maskCssStrings(value, mask) : value;
  if (name === 'style') {
    if (value !== null && typeof value === 'object') return layoutStyleDiff(value);
    return value === null ? null : layoutStyle(facts.declarations ?? []);
  }
  // Removing an attribute the replica may have (a size, a direction) says nothing.
  const text = value === null ? null : String(value);
  if (name === 'dir') return text === null || DIRECTIONS.has(text.toLowerCase()) ? text : undefined;
  if (SIZE_ATTRIBUTES.has(name)) return text === null || SIZE_VALUE.test(text) ? text : undefined;
  if (name === 'viewBox' || name === 'viewbox') return text === null || VIEWBOX_VALUE.test(text) ? text : undefined;
  if (name === 'type' && (tagName === 'input' || tagName === 'button')) return text === null ? null : facts.controlType;
  // A masked field still shows that something is in it, as masked text does.
  if (name === 'value') return text === null ? null : mask(text);
  // A stylesheet link is layout; its URL names the site's CSS, not the customer.
  if (tagName === 'link' && (name === 'rel' || name === 'href' || name === 'media')) return value;
  return undefined;
}

// Text a stylesheet draws is text: inside a masked subtree it is masked like any other, keeping
// its length so generated content keeps its width. Strings are drawn by `content`, `quotes`
// (open-quote), list markers (`list-style-type: "…"`), `text-overflow`, and by any custom property,
// which `content: var(--x)` draws; the other properties' strings (font names, url()s) draw none.
const TEXT_DECLARATION = /((?:^|[\s;{(])(?:[\w-]*content|quotes|list-style(?:-type)?|text-overflow|--[\w-]+)\s*:)([^;}]*)/gi;
const CSS_STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

/** Whether a declaration of this property can draw a string (see TEXT_DECLARATION). */
export function drawsCssString(property: string): boolean {
  return /^(?:[\w-]*content|quotes|list-style(?:-type)?|text-overflow|--[\w-]+)$/i.test(property.trim());
}

export function maskCssValueStrings(value: string, mask: (text: string) => string): string {
  return value.replace(CSS_STRING, (quoted) => quoted[0] + mask(quoted.slice(1, -1)) + quoted[0]);
}

export function maskCssStrings(cssText: string, mask: (text: string) => string): string {
  return cssText.replace(TEXT_DECLARATION, (_, property: string, value: string) => property + maskCssValueStrings(value, mask));
}

/**
 * Reduces the attributes of an element inside a masked subtree to what layout needs, in place.
 * `facts` come from the live element; without them style and type are dropped rather than trusted.
 */
export function keepLayoutAttributes(tagName: string, attributes: Attributes, facts: ElementFacts, mask: (text: string) => string): void {
  const isStylesheetLink = tagName !== 'link' || /\bstylesheet\b/i.test(String(attributes['rel'] ?? ''));
  for (const name of Object.keys(attributes)) {
    const kept = isStylesheetLink || !['rel', 'href', 'media'].includes(name)
      ? keptLayoutValue(tagName, name, attributes[name]!, facts, mask)
      : undefined;
    if (kept === undefined) delete attributes[name];
    else attributes[name] = kept;
  }
  // Without its src a picture collapses; rrweb's size attributes keep its box (drawn as a box).
  if (facts.box && REPLACED_ELEMENTS.has(tagName) && !('width' in attributes && 'height' in attributes)) {
    attributes['rr_width'] = `${facts.box.width}px`;
    attributes['rr_height'] = `${facts.box.height}px`;
  }
}

const FRAME_URL_ATTRIBUTES: Record<string, readonly string[]> = {
  iframe: ['src', 'rr_src'],
  frame: ['src', 'rr_src'],
  embed: ['src'],
  object: ['data'],
};
const INLINE_DOCUMENT_URL = /^\s*(data|javascript|blob):/i;
const JAVASCRIPT_URL = /^[\s\x00-\x1f]*j[\s]*a[\s]*v[\s]*a[\s]*s[\s]*c[\s]*r[\s]*i[\s]*p[\s]*t[\s]*:/i;
// Where a page puts a URL nobody draws: its query and fragment are where tokens travel (logout
// and reset links, signed frame URLs) and the replica, which follows no link, needs neither.
const UNDRAWN_URL_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href'],
  area: ['href'],
  form: ['action'],
  button: ['formaction'],
  input: ['formaction'],
  iframe: ['src', 'rr_src'],
  frame: ['src', 'rr_src'],
  // The replica loads no plugin (replica-scrub.ts keeps only the box): their URLs are not drawn either.
  object: ['data'],
  embed: ['src'],
  // A link that is not a stylesheet (canonical, alternate, preload, manifest…) is for machines.
  link: ['href'],
};
// Attributes that are only ever URLs for machines: hyperlink auditing (`ping`).
const MACHINE_URL_ATTRIBUTES = ['ping'];

export function withoutQueryOrFragment(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
const META_CONTENT_SHOWN = new Set(['viewport', 'color-scheme']);

/**
 * Drops what is never page copy, wherever the element is: script elements' attributes, inline
 * documents of frames, script in attributes, the query and fragment of URLs nobody draws, and
 * `<meta>` content. `liveKind` is the live element's `name` for a meta, its `rel` for a link (a
 * mutation may carry only `content` or `href`).
 */
export function dropNonPageAttributes(tagName: string, attributes: Attributes, liveKind: string | null): void {
  // A script element is kept only as a placeholder in the tree (rrweb replaces its body): its
  // URL and data-* configuration are for the page's code, not for the replica.
  if (tagName === 'script') {
    for (const name of Object.keys(attributes)) delete attributes[name];
    return;
  }
  if (tagName === 'iframe' || tagName === 'frame') delete attributes['srcdoc'];
  // Inline handlers and javascript: URLs are script bodies: the replica runs none, and a page's
  // scripts may carry what it knows about the customer.
  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    if (/^on/i.test(name) || (typeof value === 'string' && JAVASCRIPT_URL.test(value))) delete attributes[name];
  }
  for (const name of FRAME_URL_ATTRIBUTES[tagName] ?? []) {
    const value = attributes[name];
    if (typeof value === 'string' && INLINE_DOCUMENT_URL.test(value)) delete attributes[name];
  }
  for (const name of MACHINE_URL_ATTRIBUTES) delete attributes[name];
  // A stylesheet's URL is what the replica loads to look like the page (its query may pick the
  // fonts, as Google Fonts' does): kept whole.
  const rel = tagName === 'link' ? String(attributes['rel'] ?? liveKind ?? '') : '';
  if (!/\bstylesheet\b/i.test(rel)) {
    for (const name of UNDRAWN_URL_ATTRIBUTES[tagName] ?? []) {
      const value = attributes[name];
      if (typeof value === 'string') attributes[name] = withoutQueryOrFragment(value);
    }
  }
  if (tagName === 'meta' && 'content' in attributes) {
    const name = (liveKind ?? '').toLowerCase();
    if (!META_CONTENT_SHOWN.has(name)) delete attributes['content'];
  }
}
