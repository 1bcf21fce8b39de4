// The agent's keyboard stays in the console: a replica or picture never takes real focus (see
// replica-focus.ts). Opening a dialog moves it anyway (show() and showModal() focus inside the
// dialog): whenever the customer's page had a dialog open, the agent's focus went into the
// customer's frame, and the console's keys (control typing) with it. Dialogs are opened by rrweb
// (building a snapshot, applying a change) and by the console (replica-top-layer.ts,
// early-view.ts), so the frame's own dialog calls are wrapped, once per frame's window.

const GUARDED = Symbol('tandem.focusGuarded');

/** The focused element, through open shadow roots (the console lives in one). */
function deepActive(doc: Document): Element | null {
  let el = doc.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

function blur(el: Element | null | undefined): void {
  (el as HTMLElement | null | undefined)?.blur?.();
}

/** Runs `open`, a call that may move focus into `frame`, and puts the focus back where the agent had it. */
function keepingFocus(frame: HTMLIFrameElement, open: () => void): void {
  const outer = frame.ownerDocument;
  const before = deepActive(outer);
  try {
    open();
  } finally {
    const inner = frame.contentDocument;
    if (inner?.activeElement && inner.activeElement !== inner.body) {
      blur(inner.activeElement);
      if (deepActive(outer) !== before) {
        if (before && before !== outer.body && before !== frame) (before as HTMLElement).focus?.({ preventScroll: true });
        else blur(frame);
      }
    }
  }
}

/**
 * From now on, a dialog opened in `frame` (by anyone's call) leaves the agent's focus where it
 * was. The frame must be connected (it has a window); the wrapping stays with that window, which a
 * document.open() keeps.
 */
export function keepFocusOutOf(frame: HTMLIFrameElement): void {
  const win = frame.contentWindow as (Window & typeof globalThis & { [GUARDED]?: true }) | null;
  const proto = win?.HTMLDialogElement?.prototype;
  if (!win || !proto || win[GUARDED]) return;
  win[GUARDED] = true;
  for (const name of ['show', 'showModal'] as const) {
    const platform = proto[name];
    if (typeof platform !== 'function') continue;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function opened(this: HTMLDialogElement) {
        keepingFocus(frame, () => platform.call(this));
      },
    });
  }
}
