// A form put back to its defaults (its Reset button, or form.reset() from the page's code) changes
// every field without an input or change event on any of them and without any setter rrweb hooks:
// only the form hears `reset`, and that before its fields change. The agent kept seeing what the
// customer had typed, ticked and chosen. So while capture runs, after a reset that was not
// cancelled, each of the form's fields is announced as it is now (instance-setters.ts
// announceField: rrweb records it with its masking, and a field that did not change is not sent
// again).
import { announceField } from './instance-setters.ts';

const FIELDS = new Set(['input', 'textarea', 'select']);

/** Follows form resets in `doc` (its light tree: a reset event does not leave a shadow root). */
export function followFormResets(doc: Document): () => void {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const onReset = (event: Event): void => {
    const form = event.target as HTMLFormElement | null;
    if (!form || form.localName !== 'form') return;
    // The fields change after the event's listeners have run, in the same task: look in the next one.
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (event.defaultPrevented) return;
      for (const el of Array.from(form.elements)) if (FIELDS.has(el.localName)) announceField(el);
    }, 0);
    timers.add(timer);
  };
  doc.addEventListener('reset', onReset, true);
  return () => {
    doc.removeEventListener('reset', onReset, true);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}
