// A select's choice written from code through one of its options (`option.selected = true`, as
// Svelte's bound selects do, and hand-written "reset" code often does). rrweb hooks that setter
// but drops what it sees: it reads the tag of the option before it turns to the option's select,
// and an option is not a field. The customer's page showed the new choice, the agent the old one.
//
// So while capture runs, the prototype's `selected` setter is wrapped: the write goes through as
// before (rrweb's hook, then the platform's), then the select's choice is written again through
// the prototype's `selectedIndex` setter, which is rrweb's hook: it changes nothing on the page and
// makes rrweb record the select with its masking, as instance-setters.ts does for a framework's
// own setters. A multiple select is left alone: writing its index back would drop the other
// chosen options.

function selectOf(option: HTMLOptionElement): HTMLSelectElement | null {
  let parent = option.parentElement;
  if (parent?.localName === 'optgroup') parent = parent.parentElement;
  return parent?.localName === 'select' ? (parent as HTMLSelectElement) : null;
}

/** Wraps the option `selected` setter of `win`'s documents (see above); returns what puts it back. */
export function followOptionChoices(win: Window & typeof globalThis): () => void {
  const optionProto = win.HTMLOptionElement?.prototype;
  const selectProto = win.HTMLSelectElement?.prototype;
  const original = optionProto && Object.getOwnPropertyDescriptor(optionProto, 'selected');
  if (!optionProto || !selectProto || !original?.set || !original.configurable) return () => undefined;
  const write = original.set;
  const wrapper = function (this: HTMLOptionElement, value: boolean): void {
    write.call(this, value);
    const select = selectOf(this);
    if (!select || select.multiple) return;
    try {
      // Looked up at each write: rrweb's hook while capture runs, whatever was defined after us.
      Object.getOwnPropertyDescriptor(selectProto, 'selectedIndex')?.set?.call(select, select.selectedIndex);
    } catch {
      // The page's write stands; only the announcement is lost.
    }
  };
  Object.defineProperty(optionProto, 'selected', { ...original, set: wrapper });
  return () => {
    // Only where our wrapper is still in place (rrweb puts the platform's back when it stops first).
    if (Object.getOwnPropertyDescriptor(optionProto, 'selected')?.set === wrapper) Object.defineProperty(optionProto, 'selected', original);
  };
}
