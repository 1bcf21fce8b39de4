// The browser's top layer holds state no attribute records: which popovers are open and which
// element is fullscreen. rrweb copies an open popover as a closed one (hidden in the replica) and
// a fullscreen video or slide in its place on the page. The capture tells the replica what is up
// there, by rrweb node id, on every change and after every snapshot (a new replica starts empty).
// rrweb records a dialog's showModal() but not its close(): the replica's copy stayed modal, making
// the rest of the replica inert. Modal dialogs are listed too, so a closed one closes there.
import type { TopLayerState } from '@tandem/protocol/wire';

// Compared by a key of our own: a page may have replaced JSON.stringify (see pristine-platform.ts).
const keyOf = (s: TopLayerState): string => `${s.popovers.join()}|${s.modals.join()}|${s.fullscreen}`;
const EMPTY = keyOf({ popovers: [], modals: [], fullscreen: null });

export function readTopLayer(doc: Document, idOf: (node: Node) => number): TopLayerState {
  const popovers: number[] = [];
  for (const el of doc.querySelectorAll('[popover]')) {
    // An element the stream does not carry (inside a blocked region) has no id to name it by.
    const id = el.matches(':popover-open') ? idOf(el) : -1;
    if (id > 0) popovers.push(id);
  }
  const modals: number[] = [];
  for (const el of doc.querySelectorAll('dialog[open]')) {
    const id = el.matches(':modal') ? idOf(el) : -1;
    if (id > 0) modals.push(id);
  }
  const full = doc.fullscreenElement ? idOf(doc.fullscreenElement) : -1;
  return { popovers, modals, fullscreen: full > 0 ? full : null };
}

export interface TopLayerWatch {
  /** A snapshot was taken: its replica starts with nothing in the top layer. */
  afterSnapshot(): void;
  stop(): void;
}

export function watchTopLayer(doc: Document, idOf: (node: Node) => number, report: (state: TopLayerState) => void): TopLayerWatch {
  let last = EMPTY;
  const send = () => {
    let state: TopLayerState;
    try {
      state = readTopLayer(doc, idOf);
    } catch {
      // A page that broke the DOM calls this needs: its replica misses the top layer, nothing more.
      return;
    }
    const key = keyOf(state);
    if (key === last) return;
    last = key;
    report(state);
  };
  // `toggle` and `close` do not bubble: capturing listeners on the document see every element's.
  const onChange = () => send();
  doc.addEventListener('toggle', onChange, true);
  doc.addEventListener('close', onChange, true);
  doc.addEventListener('fullscreenchange', onChange);
  return {
    afterSnapshot() {
      last = EMPTY;
      send();
    },
    stop() {
      doc.removeEventListener('toggle', onChange, true);
      doc.removeEventListener('close', onChange, true);
      doc.removeEventListener('fullscreenchange', onChange);
    },
  };
}
