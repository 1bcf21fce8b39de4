// A form put back to its defaults (its Reset button, or form.reset() from the page's code) changes
// every field without an input or change event on any of them and without any setter rrweb hooks:
// only the form hears `reset`, and that before its fields change. The agent kept seeing what the
// customer had typed, ticked and chosen. So while capture runs, after a reset that was not
// cancelled, each of the form's fields is announced as it is now (instance-setters.ts
// announceField: rrweb records it with its masking, and a field that did not change is not sent
// again).
import { announceField } from './instance-setters.ts';

const FIELDS = new Set(['input', 'textarea', 'select']);

/**
 * Follows form resets in `win`'s document: those its light tree hears as `reset`; and in shadow
 * roots (a web component's form), whose `reset` never leaves the root, a Reset button's click,
 * which does, and `form.reset()` from code, through the prototype's method (wrapped while capture
 * runs). Each field is told to `announce` (by default announceField; start-capture adds the
 * multiple selects' report, many-choices.ts).
 */
export function followFormResets(win: Window & typeof globalThis, announce: (field: Element) => void = announceField): () => void {
  const doc = win.document;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  // The fields change after the event's listeners have run, in the same task: look in the next one.
  const afterReset = (form: HTMLFormElement, cancelled: () => boolean): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (cancelled()) return;
      for (const el of Array.from(form.elements)) if (FIELDS.has(el.localName)) announce(el);
    }, 0);
    timers.add(timer);
  };
  const onReset = (event: Event): void => {
    const form = event.target as HTMLFormElement | null;
    if (form?.localName === 'form') afterReset(form, () => event.defaultPrevented);
  };
  const onClick = (event: Event): void => {
    const target = event.composedPath()[0] as Element | undefined;
    const button = target?.closest?.('button, input') as HTMLButtonElement | null | undefined;
    // In the light tree the form's own `reset` is heard above. Whether a shadow root's form went
    // back cannot be seen from here: announcing fields that did not change sends nothing.
    if (!button || button.type !== 'reset' || !button.form || button.getRootNode() === doc) return;
    afterReset(button.form, () => false);
  };
  doc.addEventListener('reset', onReset, true);
  doc.addEventListener('click', onClick, true);
  const formProto = win.HTMLFormElement?.prototype;
  const original = formProto && Object.getOwnPropertyDescriptor(formProto, 'reset');
  const platformReset = typeof original?.value === 'function' ? (original.value as (this: HTMLFormElement) => void) : null;
  // A light-tree form's reset is heard above; a cancelled one changed nothing, which sends nothing.
  const reset = function (this: HTMLFormElement): void {
    platformReset!.call(this);
    if (this.getRootNode() !== doc) afterReset(this, () => false);
  };
  if (formProto && original && platformReset && original.configurable) Object.defineProperty(formProto, 'reset', { ...original, value: reset });
  return () => {
    doc.removeEventListener('reset', onReset, true);
    doc.removeEventListener('click', onClick, true);
    // Only where our wrapper is still in place (a page may have wrapped it again since).
    if (formProto && original && Object.getOwnPropertyDescriptor(formProto, 'reset')?.value === reset) Object.defineProperty(formProto, 'reset', original);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}
