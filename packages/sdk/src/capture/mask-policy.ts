// What the agent may see of the customer's page. Everything here runs in the customer's browser,
// before rrweb serialises a node, so a masked value never exists outside the page's memory.

export const MASK_ATTRIBUTE = 'data-tandem-mask';
export const UNMASK_ATTRIBUTE = 'data-tandem-unmask';
export const BLOCK_ATTRIBUTE = 'data-tandem-block';

// contenteditable regions are typed into like fields, so they are masked like fields.
export const MASK_TEXT_SELECTOR = `[${MASK_ATTRIBUTE}], [contenteditable]:not([contenteditable="false"])`;
export const BLOCK_SELECTOR = `[${BLOCK_ATTRIBUTE}]`;

// rrweb only masks the types named here, keyed by `element.type`. Its own `maskAllInputs` list
// leaves out `hidden` (CSRF tokens, customer ids) and `file` (the chosen file's name), and a
// select reports `select-one`/`select-multiple`. Buttons are left out: their value is their label.
export const MASKED_INPUT_TYPES: readonly string[] = [
  'color', 'date', 'datetime-local', 'email', 'file', 'hidden', 'month', 'number', 'password',
  'range', 'search', 'tel', 'text', 'time', 'url', 'week', 'textarea', 'select', 'select-one',
  'select-multiple',
];

const SENSITIVE_AUTOCOMPLETE = /(^|\s)(cc-[a-z-]+|current-password|new-password|one-time-code)(\s|$)/i;
// Name/id fragments that mark a payment or credential field even when it is a plain text input.
const SENSITIVE_NAME = /card.?(num|no|number)|credit.?card|cc.?(num|number|exp|csc|cvc|cvv)|cvc|cvv|csc|cvn|iban|security.?code|passw|passwd|pwd|secret|token|otp|ssn|(^|[^a-z])(pan|pin|cc)([^a-z]|$)/i;

// A field rrweb or we ever saw as a password stays one after a show-password toggle.
const everPassword = new WeakSet<Element>();

export function rememberPasswordFields(root: ParentNode): void {
  for (const el of root.querySelectorAll('input[type="password" i]')) everPassword.add(el);
}

export function notePasswordField(el: Element): void {
  if (el.localName === 'input' && (el as HTMLInputElement).type === 'password') everPassword.add(el);
}

export function isSensitiveField(el: Element): boolean {
  if (el.localName === 'input') {
    const input = el as HTMLInputElement;
    if (input.type === 'password' || everPassword.has(el) || el.hasAttribute('data-rr-is-password')) {
      return true;
    }
  }
  const autocomplete = el.getAttribute('autocomplete') ?? '';
  if (SENSITIVE_AUTOCOMPLETE.test(autocomplete)) return true;
  for (const attr of ['name', 'id', 'aria-label']) {
    const value = el.getAttribute(attr);
    if (value && SENSITIVE_NAME.test(value)) return true;
  }
  return false;
}

// The field a value belongs to: an option's value is its select's value.
function owningField(el: Element): Element {
  if (el.localName === 'option') return el.closest('select') ?? el;
  return el;
}

export function mayShowValue(el: Element): boolean {
  const field = owningField(el);
  if (!field.closest(`[${UNMASK_ATTRIBUTE}]`)) return false;
  if (isSensitiveField(field)) return false;
  return !isInMaskedRegion(field);
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

// The parent of a node as the user sees the tree: across shadow roots to their host and out of
// a same-origin iframe's document to its <iframe> element, where `closest()` stops.
export function composedParent(node: Node): Node | null {
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

function composedClosest(node: Node, selector: string): Element | null {
  for (let cur: Node | null = node; cur; cur = composedParent(cur)) {
    if (cur.nodeType === Node.ELEMENT_NODE && (cur as Element).matches(selector)) return cur as Element;
  }
  return null;
}

export function isInMaskedRegion(node: Node): boolean {
  return composedClosest(node, MASK_TEXT_SELECTOR) !== null;
}

export function isInBlockedRegion(node: Node): boolean {
  return composedClosest(node, BLOCK_SELECTOR) !== null;
}

// Text that is a field's value rather than page copy: a textarea's text node is its default
// value, an option's text is a choice the customer may have made.
export function isFieldText(textNode: Node): boolean {
  const parent = textNode.parentElement;
  if (!parent) return false;
  if (parent.localName === 'textarea') return !mayShowValue(parent);
  if (parent.localName === 'option' && parent.closest('select')) return !mayShowValue(parent);
  return false;
}
