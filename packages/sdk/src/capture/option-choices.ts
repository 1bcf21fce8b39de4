// A select's choice written from code through one of its options (`option.selected = true`, as
// Svelte's bound selects do, and hand-written "reset" code often does). rrweb hooks that setter
// but drops what it sees: it reads the tag of the option before it turns to the option's select,
// and an option is not a field. The customer's page showed the new choice, the agent the old one.
//
// So while capture runs, the prototype's `selected` setter is wrapped: the write goes through as
// before (rrweb's hook, then the platform's), then the select is announced as instance-setters.ts
// announces a field a framework wrote (its choice written again through the prototype's
// `selectedIndex` setter, rrweb's hook: nothing changes on the page, rrweb records the select with
// its masking; a multiple select is left alone, whose index written back would drop its other
// chosen options).
import { announceField } from './instance-setters.ts';

function selectOf(option: HTMLOptionElement): HTMLSelectElement | null {
  let parent = option.parentElement;
  if (parent?.localName === 'optgroup') parent = parent.parentElement;
  return parent?.localName === 'select' ? (parent as HTMLSelectElement) : null;
}

/**
 * Wraps the option `selected` setter of `win`'s documents (see above); the option's select is
 * told to `announce` (by default announceField; start-capture adds the multiple selects' report,
 * many-choices.ts). Returns what puts the setter back.
 */
export function followOptionChoices(win: Window & typeof globalThis, announce: (field: Element) => void = announceField): () => void {
  const optionProto = win.HTMLOptionElement?.prototype;
  const original = optionProto && Object.getOwnPropertyDescriptor(optionProto, 'selected');
  if (!optionProto || !original?.set || !original.configurable) return () => undefined;
  const write = original.set;
  const wrapper = function (this: HTMLOptionElement, value: boolean): void {
    write.call(this, value);
    const select = selectOf(this);
    if (select) announce(select);
  };
  Object.defineProperty(optionProto, 'selected', { ...original, set: wrapper });
  return () => {
    // Only where our wrapper is still in place (rrweb puts the platform's back when it stops first).
    if (Object.getOwnPropertyDescriptor(optionProto, 'selected')?.set === wrapper) Object.defineProperty(optionProto, 'selected', original);
  };
}
