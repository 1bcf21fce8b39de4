// Puts in the replica's top layer what the customer's page has in its own (open popovers, the
// fullscreen element), as the capture reports it by rrweb id. Popovers are opened and closed with
// the platform's own calls; the fullscreen element is shown as a manual popover over the replica,
// sized to its viewport, since a sandboxed frame cannot go fullscreen (and the agent should not).
import { TOP_LAYER_EVENT, type TopLayerState } from '@tandem/protocol/wire';

interface NodeMirror {
  getNode(id: number): Node | null;
}

const FULLSCREEN_ATTR = 'data-tandem-fullscreen';
const FULLSCREEN_CSS =
  `[${FULLSCREEN_ATTR}]{position:fixed!important;inset:0!important;margin:0!important;padding:0;border:0!important;` +
  'width:100%!important;height:100%!important;max-width:none!important;max-height:none!important;box-sizing:border-box!important;' +
  `transform:none!important;object-fit:contain;background:#000}[${FULLSCREEN_ATTR}]::backdrop{background:#000}`;

type Popoverish = HTMLElement & { showPopover?: () => void; hidePopover?: () => void };

// By node type, not instanceof: the replica's nodes belong to the frame's realm, not ours.
function isElement(node: Node | null): node is Popoverish {
  return node !== null && node.nodeType === 1 && 'dataset' in node;
}

function isOpen(el: Element): boolean {
  try {
    return el.matches(':popover-open');
  } catch {
    return false;
  }
}

function show(el: Popoverish): void {
  if (!el.isConnected || isOpen(el)) return;
  try {
    el.showPopover?.();
  } catch {
    // Not a popover (any more): nothing to show it with.
  }
}

function hide(el: Popoverish): void {
  if (!isOpen(el)) return;
  try {
    el.hidePopover?.();
  } catch {
    // Already gone.
  }
}

const MAX_POPOVERS = 64;

/** The report in a custom event, checked: the stream comes from a browser we do not control. */
export function topLayerState(data: { tag?: unknown; payload?: unknown } | undefined): TopLayerState | null {
  if (data?.tag !== TOP_LAYER_EVENT) return null;
  const p = data.payload as { popovers?: unknown; fullscreen?: unknown } | null;
  const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
  if (!p || !Array.isArray(p.popovers) || p.popovers.length > MAX_POPOVERS || !p.popovers.every(isId)) return null;
  const modals = (p as { modals?: unknown }).modals ?? [];
  if (!Array.isArray(modals) || modals.length > MAX_POPOVERS || !modals.every(isId)) return null;
  if (p.fullscreen !== null && !isId(p.fullscreen)) return null;
  return { popovers: p.popovers, modals, fullscreen: p.fullscreen };
}

type Dialogish = HTMLElement & { open: boolean; close(): void; showModal(): void };

/** Closes the replica's modal dialogs the page no longer has open as modal, and opens the ones it has. */
function setModals(doc: Document, modals: Set<Node>): void {
  for (const el of doc.querySelectorAll('dialog')) {
    const dialog = el as Dialogish;
    const modal = dialog.matches(':modal');
    try {
      if (modal && !modals.has(dialog)) {
        // The copy lost its `open` attribute to the page's mutation while staying modal; close()
        // does nothing without it, so it is put back for close() to take the dialog down.
        if (!dialog.hasAttribute('open')) dialog.setAttribute('open', '');
        dialog.close();
      }
      else if (!modal && modals.has(dialog)) {
        if (dialog.open) dialog.close();
        dialog.showModal();
      }
    } catch {
      // A dialog the replica cannot open (not connected): the next report tries again.
    }
  }
}

/** One replica document's top layer; made again with each replica (a snapshot starts empty). */
export class ReplicaTopLayer {
  private popovers = new Set<Popoverish>();
  private fullscreen: Popoverish | null = null;
  /** Named nodes the replica did not have yet (the report came before the snapshot was built). */
  private unresolved: TopLayerState | null = null;

  constructor(private readonly doc: () => Document | null, private readonly mirror: NodeMirror) {}

  apply(state: TopLayerState): void {
    const doc = this.doc();
    this.unresolved = state;
    if (!doc) return;
    const wanted = new Set<Popoverish>();
    let missing = false;
    for (const id of state.popovers) {
      const el = this.mirror.getNode(id);
      missing ||= el === null;
      if (isElement(el) && el.hasAttribute('popover')) wanted.add(el);
    }
    const modals = new Set<Node>();
    for (const id of state.modals) {
      const el = this.mirror.getNode(id);
      missing ||= el === null;
      if (el) modals.add(el);
    }
    const full = state.fullscreen === null ? null : this.mirror.getNode(state.fullscreen);
    missing ||= state.fullscreen !== null && full === null;
    if (!missing) this.unresolved = null;
    for (const el of this.popovers) if (!wanted.has(el)) hide(el);
    // In document order, as the page opened them: a later popover stacks above an earlier one.
    for (const el of wanted) show(el);
    this.popovers = wanted;
    setModals(doc, modals);
    this.setFullscreen(doc, full);
  }

  /** Tries a report again whose nodes were not built yet; cheap when there is none. */
  retry(): void {
    if (this.unresolved) this.apply(this.unresolved);
  }

  private setFullscreen(doc: Document, node: Node | null): void {
    const el = isElement(node) ? node : null;
    if (el === this.fullscreen) return;
    if (this.fullscreen) {
      const old = this.fullscreen;
      hide(old);
      old.removeAttribute(FULLSCREEN_ATTR);
      if (old.getAttribute('popover') === 'manual' && old.dataset['tandemPopover'] === 'added') {
        old.removeAttribute('popover');
        delete old.dataset['tandemPopover'];
      }
    }
    this.fullscreen = el;
    if (!el) return;
    if (!doc.getElementById('tandem-top-layer-css')) {
      const style = doc.createElement('style');
      style.id = 'tandem-top-layer-css';
      style.textContent = FULLSCREEN_CSS;
      (doc.head ?? doc.documentElement).append(style);
    }
    if (!el.hasAttribute('popover')) {
      el.setAttribute('popover', 'manual');
      el.dataset['tandemPopover'] = 'added';
    }
    el.setAttribute(FULLSCREEN_ATTR, '');
    show(el);
  }
}
