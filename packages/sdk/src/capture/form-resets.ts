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
 * Follows form resets in `doc`: those its light tree hears as `reset`, and a Reset button clicked
 * in a shadow root (a web component's form), whose `reset` never leaves the root but whose click
 * does. A form reset from code inside a shadow root is not heard.
 */
export function followFormResets(doc: Document): () => void {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  // The fields change after the event's listeners have run, in the same task: look in the next one.
  const afterReset = (form: HTMLFormElement, cancelled: () => boolean): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (cancelled()) return;
      for (const el of Array.from(form.elements)) if (FIELDS.has(el.localName)) announceField(el);
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
  return () => {
    doc.removeEventListener('reset', onReset, true);
    doc.removeEventListener('click', onClick, true);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}
