// Which element has focus is state no attribute records, and the replica never holds focus itself
// (it would take the agent's keyboard): focus rings, floating labels and menus that open on
// :focus-within stayed as if nothing had focus. The capture tells the replica which elements match
// :focus and :focus-visible, by rrweb node id, on every change and after every snapshot (a new
// replica starts with nothing focused). Only ids leave the page, and only of elements the stream
// already carries: focus inside a blocked region (or Tandem's own UI) is reported as no focus.
import type { FocusState } from '@tandem/protocol/wire';

const keyOf = (s: FocusState): string => `${s.focus.join()}|${s.visible.join()}`;
const NONE: FocusState = { focus: [], visible: [] };
// Shadow roots and frames nest; a page cannot make this chain longer than its nesting.
const MAX_DEPTH = 32;

function safeMatches(el: Element, selector: string): boolean {
  try {
    return el.matches(selector);
  } catch {
    return false;
  }
}

/** In a blocked region: rrweb sends no id for what is inside one, but the page may have marked it late. */
function isBlocked(el: Element, selector: string): boolean {
  try {
    return el.closest(selector) !== null;
  } catch {
    return true;
  }
}

/** A same-origin frame's document, or null (cross-origin, not loaded, or not a frame). */
function frameDocument(el: Element): Document | null {
  const tag = el.nodeName;
  if (tag !== 'IFRAME' && tag !== 'FRAME') return null;
  try {
    return (el as HTMLIFrameElement).contentDocument;
  } catch {
    return null;
  }
}

/**
 * The focus chain from `doc` down: the document's active element, into its open shadow root or
 * same-origin frame, and so on. `seen` is told each frame document on the way (to watch it).
 */
export function readFocus(doc: Document, idOf: (node: Node) => number, blockSelector: string, seen?: (doc: Document) => void): FocusState {
  const focus: number[] = [];
  const visible: number[] = [];
  let el: Element | null = doc.activeElement;
  for (let depth = 0; el && depth < MAX_DEPTH; depth++) {
    if (safeMatches(el, ':focus')) {
      const id = idOf(el);
      // Not carried by the stream, or a blocked element's placeholder: where focus is in there is
      // not the agent's to know, so nothing is reported at all (ancestors' :focus-within included).
      if (id <= 0 || isBlocked(el, blockSelector)) return NONE;
      focus.push(id);
      if (safeMatches(el, ':focus-visible')) visible.push(id);
    }
    const inner: Document | null = frameDocument(el);
    if (inner) seen?.(inner);
    el = el.shadowRoot?.activeElement ?? inner?.activeElement ?? null;
  }
  return { focus, visible };
}

export interface FocusWatch {
  /** A snapshot was taken: its replica starts with nothing focused. */
  afterSnapshot(): void;
  stop(): void;
}

export function watchFocus(
  doc: Document, idOf: (node: Node) => number, blockSelector: string, report: (state: FocusState) => void,
): FocusWatch {
  let last = keyOf(NONE);
  let queued = false;
  const watched: Document[] = [];
  const send = () => {
    queued = false;
    let state: FocusState;
    try {
      state = readFocus(doc, idOf, blockSelector, watch);
    } catch {
      // A page that broke the DOM calls this needs: its replica misses focus, nothing more.
      return;
    }
    const key = keyOf(state);
    if (key === last) return;
    try {
      report(state);
      last = key;
    } catch {
      // Not recording yet (the page is still loading): the first snapshot reports it.
    }
  };
  // After the page's own handlers (which may move focus again) and rrweb's record of what they
  // changed: one report for the state the page settled on.
  const queue = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(send);
  };
  const onFocusOut = (event: Event) => {
    // Focus moving to another element of this document: its focusin follows in the same task, and
    // reading in between would send "nothing focused" for a moment.
    if ((event as FocusEvent).relatedTarget) return;
    queue();
  };
  const onWindowBlur = () => queue();
  // Focus moves inside a frame without an event in the parent document: each same-origin frame
  // the focus chain passes through is watched from then on. A key pressed while a clicked button
  // has focus turns its :focus-visible on.
  function watch(d: Document): void {
    if (watched.includes(d)) return;
    // A frame that navigated left its old document behind: no need to hold on to it.
    for (let i = watched.length - 1; i > 0; i--) if (!watched[i]!.defaultView) watched.splice(i, 1);
    watched.push(d);
    d.addEventListener('focusin', queue, true);
    d.addEventListener('focusout', onFocusOut, true);
    d.addEventListener('keydown', queue, true);
    d.defaultView?.addEventListener('blur', onWindowBlur);
  }
  watch(doc);
  return {
    afterSnapshot() {
      last = keyOf(NONE);
      send();
    },
    stop() {
      for (const d of watched) {
        d.removeEventListener('focusin', queue, true);
        d.removeEventListener('focusout', onFocusOut, true);
        d.removeEventListener('keydown', queue, true);
        d.defaultView?.removeEventListener('blur', onWindowBlur);
      }
      watched.length = 0;
    },
  };
}
