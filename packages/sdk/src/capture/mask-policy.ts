// What the agent may see of the customer's page. Everything here runs in the customer's browser,
// before rrweb's events leave it, so a masked value never exists outside the page's memory.
//
// The rules, stated generally (README "Security"):
// - A masked region is any subtree the site marks with data-tandem-mask, and any subtree the
//   customer can type into that is not a form field: contenteditable, a document in designMode,
//   CSS -webkit-user-modify. Inside one, every text is
//   masked and only what layout needs of each element survives (masked-attributes.ts).
// - Regions follow the tree as it is drawn: across shadow roots to their host, out of a
//   same-origin iframe to its element, and from slotted light-DOM content to its <slot>.
// - Every value is masked unless its field is opted in with data-tandem-unmask; a field named,
//   labelled or drawn as a credential or payment detail is never shown, opted in or not.
import { namesSensitiveField } from './sensitive-names.ts';

export const MASK_ATTRIBUTE = 'data-tandem-mask';
export const UNMASK_ATTRIBUTE = 'data-tandem-unmask';
export const BLOCK_ATTRIBUTE = 'data-tandem-block';

// contenteditable regions are typed into like fields, so they are masked like fields.
export const MASK_TEXT_SELECTOR = `[${MASK_ATTRIBUTE}], [contenteditable]:not([contenteditable="false"])`;
export const BLOCK_SELECTOR = `[${BLOCK_ATTRIBUTE}]`;

// rrweb only masks the types named here, keyed by `element.type`. Its own `maskAllInputs` list
// leaves out `hidden` (CSRF tokens, customer ids) and `file` (the chosen file's name), and a
// select reports `select-one`/`select-multiple`. Checkboxes and radios are masked by the
// sanitiser (rrweb never passes their values here); buttons show their value as their label.
export const MASKED_INPUT_TYPES: readonly string[] = [
  'color', 'date', 'datetime-local', 'email', 'file', 'hidden', 'month', 'number', 'password',
  'range', 'search', 'tel', 'text', 'time', 'url', 'week', 'textarea', 'select', 'select-one',
  'select-multiple',
];

const SENSITIVE_AUTOCOMPLETE = /(^|\s)(cc-[a-z-]+|current-password|new-password|one-time-code)(\s|$)/i;

// A field rrweb or we ever saw as a password stays one after a show-password toggle.
const everPassword = new WeakSet<Element>();

export function rememberPasswordFields(root: ParentNode): void {
  for (const el of root.querySelectorAll('input[type="password" i]')) everPassword.add(el);
}

export function notePasswordField(el: Element): void {
  if (el.localName === 'input' && (el as HTMLInputElement).type === 'password') everPassword.add(el);
}

function textOfIds(el: Element, ids: string | null): string {
  if (!ids) return '';
  const root = el.getRootNode() as Document | ShadowRoot;
  if (typeof root.getElementById !== 'function') return '';
  return ids.split(/\s+/).map((id) => (id ? root.getElementById(id)?.textContent ?? '' : '')).join(' ');
}

// Everything that names a field to a person or a browser: attributes, <label>s (wrapping or by
// `for`), aria-labelledby, and a show/hide toggle that says what it controls.
function wordsNaming(el: Element): string {
  const words: string[] = [];
  for (const attr of ['name', 'id', 'autocomplete', 'aria-label', 'placeholder', 'title']) {
    words.push(el.getAttribute(attr) ?? '');
  }
  const labels = (el as HTMLInputElement).labels;
  if (labels) for (const label of labels) words.push(label.textContent ?? '');
  words.push(textOfIds(el, el.getAttribute('aria-labelledby')));
  if (el.id) {
    const root = el.getRootNode() as Document | ShadowRoot;
    for (const toggle of root.querySelectorAll(`[aria-controls~="${CSS.escape(el.id)}"]`)) {
      words.push(toggle.textContent ?? '', toggle.getAttribute('aria-label') ?? '');
    }
  }
  return words.join(' ');
}

// A field that draws its value as dots is a password, whatever its type says (PIN fields do this
// to keep browsers from offering to save them).
function drawsAsSecret(el: Element): boolean {
  const view = el.ownerDocument.defaultView;
  if (!view) return false;
  const security = view.getComputedStyle(el).getPropertyValue('-webkit-text-security');
  return security !== '' && security !== 'none';
}

function isSensitiveField(el: Element): boolean {
  if (el.localName === 'input') {
    const input = el as HTMLInputElement;
    if (input.type === 'password' || everPassword.has(el) || el.hasAttribute('data-rr-is-password')) {
      return true;
    }
  }
  if (SENSITIVE_AUTOCOMPLETE.test(el.getAttribute('autocomplete') ?? '')) return true;
  if (namesSensitiveField(wordsNaming(el))) return true;
  return drawsAsSecret(el);
}

// The field a value belongs to: an option's value is its select's (or datalist's) value.
function owningField(el: Element): Element {
  if (el.localName === 'option' || el.localName === 'optgroup') return el.closest('select, datalist') ?? el;
  return el;
}

export interface Region {
  masked: boolean;
  blocked: boolean;
}

const OPEN_REGION: Region = { masked: false, blocked: false };

// The parent of a node as the user sees the tree: across shadow roots to their host and out of
// a same-origin iframe's document to its <iframe> element, where `closest()` stops.
function composedParent(node: Node): Node | null {
  if (node.parentNode) {
    const parent = node.parentNode;
    if (parent.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in parent) {
      return (parent as ShadowRoot).host;
    }
    return parent;
  }
  if (node.nodeType === Node.DOCUMENT_NODE) {
    try {
      return (node as Document).defaultView?.frameElement ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

// Slotted light-DOM content is drawn inside its <slot>, so it belongs to the slot's region.
function drawnParent(node: Node): Node | null {
  const slot = (node as Partial<Element>).assignedSlot;
  return slot ?? composedParent(node);
}

// Regions found editable without a contenteditable attribute: by CSS -webkit-user-modify (which
// Chromium's isContentEditable and :read-write do not report; only the computed style does), or
// because the customer typed into them. Remembered for the page's life: editing is the customer's.
const knownEditable = new WeakSet<Element>();
// Most pages have none: then no element pays for a WeakSet lookup (it hashes every wrapper).
let knownEditableCount = 0;

function rememberEditable(el: Element): void {
  knownEditable.add(el);
  knownEditableCount += 1;
}

const USER_MODIFY = '-webkit-user-modify';

// Whether any rule of these sheets sets -webkit-user-modify; a sheet we may not read (cross-origin)
// might. Bounded by the sheets' rule count.
function sheetsMayEdit(sheets: Iterable<CSSStyleSheet>): boolean {
  const pending: CSSRuleList[] = [];
  for (const sheet of sheets) {
    try {
      pending.push(sheet.cssRules);
    } catch {
      return true;
    }
  }
  for (let list = pending.pop(); list; list = pending.pop()) {
    for (const rule of list) {
      const style = (rule as Partial<CSSStyleRule>).style;
      if (style && style.getPropertyValue(USER_MODIFY) !== '') return true;
      const nested = (rule as Partial<CSSGroupingRule>).cssRules;
      if (nested) pending.push(nested);
      const imported = (rule as Partial<CSSImportRule>).styleSheet;
      if (imported) {
        try {
          pending.push(imported.cssRules);
        } catch {
          return true;
        }
      }
    }
  }
  return false;
}

// Per tree scope (a document or a shadow root): can any element in it be editable by style?
// Almost no page uses the property, so a full snapshot reads computed styles only where one does.
function scopeMayEdit(scope: Document | ShadowRoot): boolean {
  if (scope.querySelector('[style*="user-modify" i]')) return true;
  return sheetsMayEdit([...scope.styleSheets, ...scope.adoptedStyleSheets]);
}

function isEditableByStyle(el: Element): boolean {
  const view = el.ownerDocument.defaultView;
  if (!view) return false;
  const modify = view.getComputedStyle(el).getPropertyValue(USER_MODIFY);
  return modify !== '' && modify !== 'read-only';
}

const FORM_FIELDS = new Set(['input', 'textarea', 'select']);

// beforeinput fires before the keystroke changes the DOM, on the editing root (found through the
// composed path, inside shadow roots too), whatever made it editable: the mutation it causes is
// then already inside a known region.
function noteTyping(event: Event): void {
  const target = event.composedPath()[0] as Node | undefined;
  // nodeType, not instanceof: a same-origin iframe's elements come from another realm.
  if (target?.nodeType === Node.ELEMENT_NODE && !FORM_FIELDS.has((target as Element).localName)) {
    rememberEditable(target as Element);
  }
}

const watchedDocuments = new Set<Document>();

export function watchTyping(doc: Document): void {
  if (watchedDocuments.has(doc)) return;
  watchedDocuments.add(doc);
  doc.addEventListener('beforeinput', noteTyping, { capture: true });
}

export function stopWatchingTyping(): void {
  for (const doc of watchedDocuments) doc.removeEventListener('beforeinput', noteTyping, { capture: true });
  watchedDocuments.clear();
}

const MARKED_SELECTOR = `${MASK_TEXT_SELECTOR}, ${BLOCK_SELECTOR}`;

/**
 * Region decisions for one event. The DOM cannot change while rrweb builds and we sanitise an
 * event, so each node's decision is computed once and shared by all its descendants: a burst of
 * adds under one parent walks the ancestors once, not once per add.
 *
 * Computed styles are read only when `readStyles` (a full snapshot, which is rare): reading them
 * during a mutation burst would force a style recalculation per batch (measured: 4x the
 * sanitiser's time). Between snapshots, typing is what reveals an editable region.
 */
export class RegionCache {
  private readonly known = new Map<Node, Region>();
  private readonly editableScopes = new Map<Document | ShadowRoot, boolean>();

  constructor(private readonly readStyles = false) {}

  /**
   * The region of `node` given the region of the parent it is drawn in. `scopeMayEdit` is what
   * scopeMayEdit() said of the node's document or shadow root, when the caller walking the tree
   * knows it; otherwise it is looked up.
   */
  derive(node: Node, parent: Region, scopeMayEdit?: boolean): Region {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      // One selector match for the common case of an unmarked element.
      const marked = el.matches(MARKED_SELECTOR);
      const masked = parent.masked || (marked && el.matches(MASK_TEXT_SELECTOR)) || this.isEditable(el, scopeMayEdit);
      const blocked = parent.blocked || (marked && el.matches(BLOCK_SELECTOR));
      return masked === parent.masked && blocked === parent.blocked ? parent : { masked, blocked };
    }
    if (node.nodeType === Node.DOCUMENT_NODE && (node as Document).designMode === 'on' && !parent.masked) {
      return { masked: true, blocked: parent.blocked };
    }
    return parent;
  }

  regionOf(node: Node): Region {
    const cached = this.known.get(node);
    if (cached) return cached;
    const chain: Node[] = [];
    let region = OPEN_REGION;
    // Bounded by the depth of the drawn tree; a cached ancestor ends the walk early.
    for (let cur: Node | null = node; cur; cur = drawnParent(cur)) {
      const hit = this.known.get(cur);
      if (hit) {
        region = hit;
        break;
      }
      chain.push(cur);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      region = this.derive(chain[i]!, region);
      this.known.set(chain[i]!, region);
    }
    return region;
  }

  /** Whether elements of this document or shadow root may be editable by style (read once). */
  scopeMayEdit(scope: Document | ShadowRoot): boolean {
    if (!this.readStyles) return false;
    let mayEdit = this.editableScopes.get(scope);
    if (mayEdit === undefined) {
      mayEdit = scopeMayEdit(scope);
      this.editableScopes.set(scope, mayEdit);
    }
    return mayEdit;
  }

  private isEditable(el: Element, scopeMayEdit?: boolean): boolean {
    if (knownEditableCount > 0 && knownEditable.has(el)) return true;
    if (!this.readStyles) return false;
    const mayEdit = scopeMayEdit ?? this.scopeMayEdit(el.getRootNode() as Document | ShadowRoot);
    if (!mayEdit || !isEditableByStyle(el)) return false;
    rememberEditable(el);
    return true;
  }
}

export function isInBlockedRegion(node: Node, regions = new RegionCache()): boolean {
  return regions.regionOf(node).blocked;
}

export function mayShowValue(el: Element, regions = new RegionCache()): boolean {
  const field = owningField(el);
  if (!field.closest(`[${UNMASK_ATTRIBUTE}]`)) return false;
  if (regions.regionOf(field).masked) return false;
  return !isSensitiveField(field);
}

export function maskValue(text: string): string {
  return '*'.repeat(text.length);
}

export function maskText(text: string): string {
  return text.replace(/\S/g, '*');
}

// rrweb calls this for every field type in MASKED_INPUT_TYPES.
export function maskInputValue(text: string, el: HTMLElement): string {
  notePasswordField(el);
  return mayShowValue(el) ? text : maskValue(text);
}

// Elements whose text is a value rather than page copy: a textarea's default value, an option's
// choice (of a select or a datalist of suggestions), an <output>'s computed result.
const VALUE_TEXT_ELEMENTS = new Set(['textarea', 'option', 'output']);

/** Whether an element's text is a field's value rather than page copy. */
export function isValueTextTag(tagName: string): boolean {
  return VALUE_TEXT_ELEMENTS.has(tagName);
}

/** The field whose value a node's text is (it may sit deeper, as in <output><b>42</b></output>). */
export function valueOwnerAbove(node: Node): Element | null {
  const parent = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  return parent?.closest('textarea, option, output') ?? null;
}
