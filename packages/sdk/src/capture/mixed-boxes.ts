// A checkbox shown as "mixed" (the dash of a "select all" box when only some rows are ticked) is
// `indeterminate`: a property only, set from code, with no attribute, no input event and no setter
// rrweb hooks. The agent saw an empty box where the customer saw a dash. So the capture tells the
// replica which boxes are mixed, by rrweb node id, on every change and after every snapshot (a new
// replica starts with none), as it does for the top layer and focus. A box in a masked region is
// never named: its tick is not sent either.
//
// Changes are seen where they happen: the prototype's setter (wrapped while capture runs, in the
// page's window and each same-origin frame's: every framework's `el.indeterminate = …` reaches it)
// and a click, with which the browser itself clears the dash. Boxes mixed before capture started,
// inside shadow roots and same-origin frames too, are found by a walk after each snapshot.
import type { MixedBoxes } from '@tandem/protocol/wire';
import { RegionCache } from './mask-policy.ts';

// A page cannot make a "select all" header out of more than this; the replica checks it too.
export const MAX_MIXED_BOXES = 256;
const MAX_DEPTH = 32;

type Box = HTMLInputElement;

function isMixedBox(el: Element): el is Box {
  return el.localName === 'input' && (el as Box).type === 'checkbox' && (el as Box).indeterminate === true;
}

/** Every mixed box in a document, its open shadow roots and same-origin frames. */
function mixedBoxesIn(root: Document | ShadowRoot, out: Set<Box>, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  for (const el of root.querySelectorAll('input')) if (isMixedBox(el)) out.add(el);
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) mixedBoxesIn(el.shadowRoot, out, depth + 1);
    if (el.localName !== 'iframe' && el.localName !== 'frame') continue;
    let inner: Document | null = null;
    try {
      inner = (el as HTMLIFrameElement).contentDocument;
    } catch {
      // A frame the browser will not let us read: its boxes are not reported (its ids are its own).
    }
    if (inner) mixedBoxesIn(inner, out, depth + 1);
  }
}

export interface MixedBoxesWatch {
  /**
   * Follows changes in one window (the page's, or a same-origin frame's, which has prototypes of
   * its own): its `indeterminate` setter and clicks in its document. Returns what stops that.
   */
  follow(win: Window & typeof globalThis): () => void;
  /** A snapshot was taken: its replica starts with no mixed box. */
  afterSnapshot(): void;
  stop(): void;
}

export function watchMixedBoxes(doc: Document, idOf: (node: Node) => number, report: (state: MixedBoxes) => void): MixedBoxesWatch {
  const known = new Set<Box>();
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const send = (): void => {
    timer = undefined;
    const regions = new RegionCache();
    const ids: number[] = [];
    for (const box of known) {
      if (!box.isConnected || !box.indeterminate) {
        known.delete(box);
        continue;
      }
      // An element the stream does not carry (blocked, or not emitted yet) has no id; a later
      // change or snapshot names it.
      const id = idOf(box);
      if (id > 0 && ids.length < MAX_MIXED_BOXES && !regions.regionOf(box).masked) ids.push(id);
    }
    ids.sort((a, b) => a - b);
    const key = ids.join();
    if (key === last) return;
    last = key;
    report({ ids });
  };
  // In a task of its own: after rrweb has emitted (and so named) a box the page added and marked
  // in the same task, and once for any number of writes.
  const sendSoon = (): void => {
    if (timer === undefined && !stopped) timer = setTimeout(send, 0);
  };

  return {
    follow(win) {
      const proto = win.HTMLInputElement?.prototype;
      const original = proto && Object.getOwnPropertyDescriptor(proto, 'indeterminate');
      let wrapper: ((this: Box, value: boolean) => void) | null = null;
      if (proto && original?.set && original.configurable) {
        const write = original.set;
        wrapper = function (this: Box, value: boolean): void {
          write.call(this, value);
          if (this.type === 'checkbox' && !stopped) {
            known.add(this);
            sendSoon();
          }
        };
        Object.defineProperty(proto, 'indeterminate', { ...original, set: wrapper });
      }
      // Clicking a mixed box clears its dash before any listener runs; only a box known mixed matters.
      const onClick = (event: Event): void => {
        const target = event.composedPath()[0] as Element | undefined;
        if (target && known.has(target as Box)) sendSoon();
      };
      const frameDoc = win.document;
      frameDoc.addEventListener('click', onClick, true);
      return () => {
        frameDoc.removeEventListener('click', onClick, true);
        // Only where our wrapper is still in place (a page may have wrapped it again since).
        if (proto && original && Object.getOwnPropertyDescriptor(proto, 'indeterminate')?.set === wrapper) {
          Object.defineProperty(proto, 'indeterminate', original);
        }
      };
    },
    afterSnapshot() {
      try {
        mixedBoxesIn(doc, known);
      } catch {
        // A page that broke the DOM calls the walk needs: the boxes known from their setter stay.
      }
      last = '';
      clearTimeout(timer);
      send();
    },
    stop() {
      // A wrapper left in a frame's prototypes (rrweb's hook above it) writes and reports nothing.
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
