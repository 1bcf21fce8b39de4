// A select that takes many choices (`<select multiple>`: delivery days, interests, sizes to
// notify about). rrweb records a select's choice as its `value`, which is one option, and the
// replica then made that option its only choice: the customer had Tuesday and Thursday chosen, the
// agent saw Tuesday. So after each change of such a select (the customer's own, heard as input or
// change; or the page's code choosing through an option, which option-choices.ts passes on) the
// capture names its chosen options by index, in a custom event that follows rrweb's own, where the
// select's choice may be shown at all (opted in, outside masked regions). A snapshot needs nothing:
// the sanitiser writes each shown option's choice into it.
import type { ManyChoices } from '@tandem/protocol/wire';
import { mayShowValue } from './mask-policy.ts';

// No select the agent reads has more; a longer list is cut there (the replica checks it too).
export const MAX_CHOICES = 1000;

type Select = HTMLSelectElement;

function isManySelect(el: unknown): el is Select {
  return (el as Element | null)?.localName === 'select' && (el as Select).multiple === true;
}

export interface ManyChoicesWatch {
  /** The page's code changed this select's choice (through one of its options). */
  changed(select: Element): void;
  /** Follows the customer's own choices in one window's document; returns what stops that. */
  follow(doc: Document): () => void;
  stop(): void;
}

export function watchManyChoices(idOf: (node: Node) => number, report: (choices: ManyChoices) => void): ManyChoicesWatch {
  const pending = new Set<Select>();
  const last = new WeakMap<Select, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const send = (): void => {
    timer = undefined;
    for (const select of pending) {
      const id = idOf(select);
      if (id <= 0 || !select.isConnected || !mayShowValue(select)) continue;
      const chosen: number[] = [];
      const options = select.options;
      for (let i = 0; i < options.length && chosen.length < MAX_CHOICES; i++) if (options[i]!.selected) chosen.push(i);
      const key = chosen.join();
      if (last.get(select) === key) continue;
      last.set(select, key);
      report({ id, chosen });
    }
    pending.clear();
  };
  // In a task of its own: after rrweb's input event for the select (which the replica applies
  // first, then this), and once for a page that chooses five options in a row.
  const changed = (select: Element): void => {
    if (stopped || !isManySelect(select)) return;
    pending.add(select);
    timer ??= setTimeout(send, 0);
  };
  return {
    changed,
    follow(doc) {
      const onChoice = (event: Event): void => changed(event.composedPath()[0] as Element);
      doc.addEventListener('input', onChoice, true);
      doc.addEventListener('change', onChoice, true);
      return () => {
        doc.removeEventListener('input', onChoice, true);
        doc.removeEventListener('change', onChoice, true);
      };
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}
