// The customer's page on the standalone console page before the console itself has started. A
// join's snapshot reaches the page while the console's code (rrweb above all) is still loading
// and starting, which is most of an agent's wait (bench: agent join). The page's inline boot
// script (console-boot.ts) shows it at once, from the snapshot's markup, in a frame of its own
// over the whole page, before any of the page's other scripts has even arrived; the console's
// first script (console-link.ts) takes this view over with the socket, and shows any snapshot
// that comes after. The console starts after that and, in the task in which it has shown the
// replica itself, this frame goes, so no frame is drawn without the page.
//
// It is the same picture as the console's first view (replica-first-view.ts) and as safe: the
// snapshot is scrubbed (replica-scrub.ts) and its URLs rewritten to what the page sent
// (replica-assets.ts) exactly as the console does, in place (the console gets the snapshot parsed
// afresh: early-link.ts), and the frame is sandboxed like every replica (no scripts) under the
// console page's CSP. Nothing in it is interactive: it is a picture until the console is up.
import { EventType, IncrementalSource } from '@rrweb/types';
import type { adoptedStyleSheetData, eventWithTime, serializedNodeWithId } from '@rrweb/types';
import { AssetRewriter, AssetStore, assetFrameOf } from './replica-assets.ts';
import { keepFocusOutOf } from './frame-focus.ts';
import { showFirstView } from './replica-first-view.ts';
import { BLOCK_BOX_CSS, PICTURE_HOST_ATTRIBUTE, PICTURE_MODAL_ATTRIBUTE, PICTURE_SCROLL_ATTRIBUTE, PICTURE_SIZE_ATTRIBUTE } from './replica-html.ts';
import type { ParsedBuildPlan } from './replica-html.ts';
import { ReplicaScrubber } from './replica-scrub.ts';

/** What the frame says it is, until the console (in the agent's language) replaces it. */
const EARLY_TITLE = "Customer's page (starting)";

/**
 * What show() did with a snapshot: drew it (scrubbing the events in place), kept the picture it
 * already showed of that same snapshot (the events are untouched), or could not show it.
 */
export type EarlyShow = 'drawn' | 'kept' | false;

/** One snapshot, as read by the boot script and again by the console's link: its full snapshot's time and id. */
function snapshotKey(events: eventWithTime[], full: eventWithTime): string {
  return `${full.timestamp} ${(full.data as { node?: { id?: unknown } }).node?.id} ${events.length}`;
}

export class EarlyView {
  private frame: HTMLIFrameElement | null = null;
  private spare: HTMLIFrameElement | null = null;
  private assets: AssetStore | null = null;
  // The snapshot the picture shows, or the last one that could not be shown.
  private shownKey: string | null = null;
  private refusedKey: string | null = null;
  private tried = false;
  private retired = false;

  /**
   * `parent`: where the frame goes (asked when it is made: the boot script runs before the page's
   * body exists); it covers the page's viewport wherever it is.
   */
  constructor(private readonly parent: () => HTMLElement) {}

  get shown(): boolean {
    return this.frame !== null;
  }

  /** True until the view has been asked to show a snapshot, or removed. */
  get untouched(): boolean {
    return !this.tried && !this.retired;
  }

  /**
   * Makes the frame now, hidden, while the link is still opening: a frame (a document and a
   * window of its own) is tens of milliseconds the snapshot need not wait for (bench: agent join).
   */
  prepare(): void {
    if (!this.spare && !this.frame && !this.retired) this.spare = this.newFrame();
  }

  /**
   * Shows the snapshot among `events` (the meta event sizes it, asset events give it pictures and
   * fonts). False when it has none or its markup cannot be written this way; the console then
   * shows it its own way. The snapshot is scrubbed and rewritten in place: the caller gives the
   * console a copy of its own.
   */
  show(events: eventWithTime[]): EarlyShow {
    const full = events.find((e) => e.type === EventType.FullSnapshot);
    const key = full ? snapshotKey(events, full) : null;
    // The same snapshot again: the boot script pictured it, and the console's link reads it too.
    if (key !== null && key === this.shownKey && this.frame) return 'kept';
    this.removePicture();
    if (!full || key === this.refusedKey || this.retired) return false;
    this.tried = true;
    const meta = events.find((e) => e.type === EventType.Meta);
    const size = meta ? (meta.data as { width: number; height: number }) : null;
    const assets = new AssetStore();
    for (const e of events) {
      const asset = e.type === EventType.Custom ? assetFrameOf(e.data) : null;
      if (asset) assets.put(asset);
    }
    const frame = this.spare ?? this.newFrame();
    this.spare = null;
    try {
      new ReplicaScrubber().scrub(full);
      const rewriter = new AssetRewriter(assets);
      rewriter.rewrite(full);
      const { node, initialOffset } = full.data as { node: serializedNodeWithId; initialOffset?: { left: number; top: number } };
      const view = showFirstView(frame, node, size, { picture: true });
      if (!view) throw new Error('not written');
      // Sheets the page adopted (constructed ones: Lit's, for one) come as events after the snapshot.
      const adopted: adoptedStyleSheetData[] = [];
      for (const e of events) {
        if (e.type !== EventType.IncrementalSnapshot || e.data.source !== IncrementalSource.AdoptedStyleSheet) continue;
        rewriter.rewrite(e);
        adopted.push(e.data);
      }
      adoptSheets(frame, node.id, adopted);
      finishPicture(frame, view.plan, initialOffset);
    } catch {
      frame.remove();
      assets.clear();
      this.refusedKey = key;
      return false;
    }
    fit(frame, size ?? { width: innerWidth, height: innerHeight });
    frame.style.visibility = 'visible';
    this.frame = frame;
    this.assets = assets;
    this.shownKey = key;
    return 'drawn';
  }

  /** The console shows the replica now (or sharing ended): the picture (and a frame still unused) goes, for good. */
  remove(): void {
    this.retired = true;
    this.removePicture();
    this.spare?.remove();
    this.spare = null;
  }

  private removePicture(): void {
    this.frame?.remove();
    this.frame = null;
    this.shownKey = null;
    this.assets?.clear();
    this.assets = null;
  }

  private newFrame(): HTMLIFrameElement {
    const frame = document.createElement('iframe');
    // Before it is connected, so that its document is sandboxed from the start.
    frame.setAttribute('sandbox', 'allow-same-origin');
    frame.title = EARLY_TITLE;
    frame.tabIndex = -1;
    frame.className = 'tandem-early-view';
    frame.style.cssText =
      'position: fixed; left: 0; top: 0; border: 0; margin: 0; background: #fff; transform-origin: 0 0; pointer-events: none; ' +
      'z-index: 2147483647; box-shadow: 0 0 0 1px #b9c2ce, 0 6px 24px rgba(20,40,70,.16); visibility: hidden';
    this.parent().append(frame);
    keepFocusOutOf(frame);
    return frame;
  }
}

/**
 * What rrweb would do after its build: blocked elements get their sizes and their striped box,
 * elements the customer had scrolled (a chat, a list) are scrolled where they were, and so is
 * the page. The frame is laid out though not yet visible, so scrolling takes.
 */
function finishPicture(frame: HTMLIFrameElement, plan: Pick<ParsedBuildPlan, 'sizes' | 'scrolls'>, offset: { left: number; top: number } | undefined): void {
  const doc = frame.contentDocument;
  if (!doc) return;
  for (const el of doc.querySelectorAll<HTMLElement>(`[${PICTURE_SIZE_ATTRIBUTE}]`)) {
    const size = plan.sizes[Number(el.getAttribute(PICTURE_SIZE_ATTRIBUTE))];
    if (size?.width !== undefined) el.style.setProperty('width', size.width);
    if (size?.height !== undefined) el.style.setProperty('height', size.height);
  }
  const style = doc.createElement('style');
  style.textContent = BLOCK_BOX_CSS;
  (doc.head ?? doc.documentElement)?.append(style);
  // In document order, as rrweb opens them when it builds: a later modal stacks above an earlier
  // one. Before the scrolling: opening one focuses inside it (the frame's dialogs leave the
  // agent's focus alone: newFrame).
  for (const el of doc.querySelectorAll<HTMLElement & { showModal?: () => void }>(`dialog[${PICTURE_MODAL_ATTRIBUTE}]`)) {
    try {
      el.showModal?.();
    } catch {
      // One the browser will not open (already open): shown as the page's markup has it.
    }
  }
  for (const el of doc.querySelectorAll<HTMLElement>(`[${PICTURE_SCROLL_ATTRIBUTE}]`)) {
    const scroll = plan.scrolls[Number(el.getAttribute(PICTURE_SCROLL_ATTRIBUTE))];
    if (!scroll) continue;
    // As rrweb sets them: a position the page's own layout cannot reach is clamped by the browser.
    if (Number.isFinite(scroll.left)) el.scrollLeft = scroll.left!;
    if (Number.isFinite(scroll.top)) el.scrollTop = scroll.top!;
  }
  if (offset && (offset.left || offset.top)) frame.contentWindow?.scrollTo(offset.left, offset.top);
}

/**
 * The style sheets the page and its shadow roots had adopted, as style elements where they
 * applied (after the tree's own sheets, as adopted ones come). Their URLs are rewritten already.
 */
function adoptSheets(frame: HTMLIFrameElement, rootId: number, changes: adoptedStyleSheetData[]): void {
  const doc = frame.contentDocument;
  if (!doc || changes.length === 0) return;
  const rules = new Map<number, string[]>();
  for (const change of changes) for (const sheet of change.styles ?? []) rules.set(sheet.styleId, sheet.rules.map((r) => r.rule));
  for (const change of changes) {
    const css = change.styleIds.map((id) => (rules.get(id) ?? []).join('\n')).join('\n');
    if (!css) continue;
    const target = change.id === rootId
      ? doc.head ?? doc.documentElement
      : doc.querySelector(`[${PICTURE_HOST_ATTRIBUTE}="${change.id}"]`)?.shadowRoot;
    if (!target) continue;
    const style = doc.createElement('style');
    style.textContent = css;
    target.append(style);
  }
}

/** The customer's viewport, scaled down (never up) to the page's and centred, as the console fits it. */
function fit(frame: HTMLIFrameElement, size: { width: number; height: number }): void {
  const scale = Math.min(1, innerWidth / size.width, innerHeight / size.height);
  frame.setAttribute('width', String(size.width));
  frame.setAttribute('height', String(size.height));
  frame.style.left = `${Math.max(0, Math.floor((innerWidth - size.width * scale) / 2))}px`;
  frame.style.transform = `scale(${scale})`;
}
