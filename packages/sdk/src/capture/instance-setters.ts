// Form state a framework writes from code. rrweb learns of such writes by hooking the `value`,
// `checked` and `selectedIndex` setters on the prototypes, but a framework may have put its own
// setter on the element itself before capture loaded (React does, at mount, on every input and
// textarea: it records the value and calls the prototype's setter as it was then, the platform's).
// That own property shadows rrweb's hook, so the app's writes (clearing a field after Enter,
// unticking "mark all") would never reach the agent.
//
// So, once, when capture starts: every field that has such an own setter gets it wrapped. The
// framework's setter runs first, exactly as before; then the value now in the field is written
// again through the prototype's current setter, which is rrweb's hook while capture runs. Writing
// a field's own value again changes nothing on the page (no event, the caret stays) and makes
// rrweb record it with its masking. Fields created later need nothing: a framework that installs
// its setter after capture started calls the hooked prototype underneath.
//
// Chosen over comparing values on a schedule: no work at all while nothing is written, nothing
// missed between two polls, and rrweb's masking and ids apply as to any other input event.

type FieldProperty = 'value' | 'checked' | 'selectedIndex';

const FIELD_SELECTOR = 'input, textarea, select';
const PROPERTIES: readonly FieldProperty[] = ['value', 'checked', 'selectedIndex'];

interface Wrapped {
  el: Element;
  property: FieldProperty;
  original: PropertyDescriptor;
  wrapper: (value: unknown) => void;
}

function prototypeDescriptor(el: Element, property: string): PropertyDescriptor | undefined {
  for (let proto: object | null = Object.getPrototypeOf(el); proto; proto = Object.getPrototypeOf(proto)) {
    const found = Object.getOwnPropertyDescriptor(proto, property);
    if (found) return found;
  }
  return undefined;
}

/**
 * The write that tells the prototype's hook what the field holds now. A select's `value` is
 * announced through `selectedIndex` (two options may share a value); a multiple select's
 * selection cannot be written back whole, and rrweb sees it per option anyway.
 */
function announce(el: Element, property: FieldProperty): void {
  const field = el as HTMLInputElement & HTMLSelectElement;
  if (field.localName === 'select') {
    if (field.multiple) return;
    property = 'selectedIndex';
  }
  try {
    prototypeDescriptor(el, property)?.set?.call(el, field[property]);
  } catch {
    // A value the platform refuses back (a file input's chosen file): the app's write stands.
  }
}

/**
 * Tells the prototype's hook (rrweb's, while capture runs) what a field holds now, whichever of
 * value, tick or choice it holds; a write of what is there already, which changes nothing.
 */
export function announceField(el: Element): void {
  const type = (el as HTMLInputElement).type;
  announce(el, el.localName === 'input' && (type === 'checkbox' || type === 'radio') ? 'checked' : 'value');
}

/** Every field in a document and its open shadow roots (each same-origin frame is followed on its own: frame-windows.ts). */
function fieldsIn(root: Document | ShadowRoot, out: Element[]): void {
  for (const field of root.querySelectorAll(FIELD_SELECTOR)) out.push(field);
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) fieldsIn(el.shadowRoot, out);
}

/** Wraps the own setters fields carry now (see above); returns what puts them back. */
export function followInstanceSetters(doc: Document): () => void {
  const fields: Element[] = [];
  fieldsIn(doc, fields);
  const wrapped: Wrapped[] = [];
  for (const el of fields) {
    for (const property of PROPERTIES) {
      const original = Object.getOwnPropertyDescriptor(el, property);
      if (!original?.set || !original.configurable) continue;
      const frameworkSet = original.set;
      const wrapper = function (this: Element, value: unknown): void {
        frameworkSet.call(this, value);
        announce(this, property);
      };
      Object.defineProperty(el, property, { configurable: true, enumerable: original.enumerable ?? false, get: original.get, set: wrapper });
      wrapped.push({ el, property, original, wrapper });
    }
  }
  return () => {
    for (const { el, property, original, wrapper } of wrapped) {
      // Only where our wrapper is still in place (a framework may have defined its own since).
      if (Object.getOwnPropertyDescriptor(el, property)?.set === wrapper) Object.defineProperty(el, property, original);
    }
  };
}
