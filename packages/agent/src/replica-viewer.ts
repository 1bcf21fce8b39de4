// The customer's page as the agent sees it: rrweb's Replayer in live mode, inside an iframe that
// may not run scripts, scaled to fit, with the customer's cursor and the agent's tools drawn on
// top by the console itself (nothing of ours goes inside the replica).
import { Replayer } from 'rrweb';
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { eventWithTime } from '@rrweb/types';
import type { ControlCommand } from '@tandem/protocol';
import type { PagePoint } from './page-frame.ts';
import { boxInReplica, composedParent, deepElementAt, pagePoint, replicaScale, scrollableAncestor, stepZoom } from './replica-geometry.ts';
import type { ReplicaZoom } from './replica-geometry.ts';
import { ReplicaScrubber } from './replica-scrub.ts';
import { ReplicaTopLayer, topLayerState } from './replica-top-layer.ts';
import { ReplicaMixedBoxes, mixedBoxesOf } from './replica-mixed-boxes.ts';
import { applyManyChoices, manyChoicesOf } from './replica-many-choices.ts';
import { DriftWatch } from './replica-drift.ts';
import { CustomerHover } from './replica-hover.ts';
import { keepFocusOutOf } from './frame-focus.ts';
import { FocusRules } from './replica-focus-rules.ts';
import { ReplicaFocus, focusStateOf } from './replica-focus.ts';
import { canvasFrameOf, paintCanvas } from './replica-canvas.ts';
import { AssetRewriter, AssetStore, assetFrameOf, unreadableAssetOf } from './replica-assets.ts';
import type { ProxiedAssetFetch } from './replica-asset-proxy.ts';
import { cssUrls } from '@tandem/protocol/wire';
import { buildSnapshotsWithParser, handOverFirstView } from './replica-parsed-build.ts';
import { showFirstView } from './replica-first-view.ts';
// Blocked elements arrive as empty elements sized like the original; drawn as a visible box.
import { BLOCK_BOX_CSS } from './replica-html.ts';
import type { FirstView } from './replica-first-view.ts';
import { liveFeed, type LiveFeed } from './replica-live-feed.ts';

export type ReplicaTool = 'none' | 'pointer' | 'highlight' | 'control';

export interface ReplicaViewport {
  width: number;
  height: number;
  scale: number;
  /** Whether the scale follows the console's width ("fit") or is a zoom the agent chose. */
  fit: boolean;
}

/** What the agent does on the replica, in the customer's page coordinates and rrweb node ids. */
export interface ReplicaActions {
  pointer(x: number, y: number, visible: boolean): void;
  highlight(nodeId: number | null): void;
  control(command: ControlCommand): void;
  viewport(viewport: ReplicaViewport): void;
  /** The replica's tree differs from the page's: ask the page for a fresh snapshot. */
  drift(): void;
  /** An asset the page may not read, fetched through Tandem (null: it stays a box). */
  fetchAsset?: ProxiedAssetFetch;
}

/**
 * A first view on screen (replica-first-view.ts) that rrweb has not taken over yet: what arrives
 * meanwhile waits here, in order, stamped against the baseline the replayer will start with.
 */
interface PendingReplica {
  replayer: Replayer;
  layer: HTMLElement;
  events: eventWithTime[];
  baseline: number;
  clockAtBaseline: number;
  timers: number[];
}

// A first view stays on screen for at least a frame before rrweb takes it over (the takeover is
// the heavier part); a page that draws no frames (a hidden tab) waits this long at most.
const TAKEOVER_MAX_WAIT_MS = 100;

interface LiveReplica {
  replayer: Replayer;
  /** Every event goes to the replayer through this, in order: applied before add() returns. */
  feed: LiveFeed;
  layer: HTMLElement;
  // Local wall clock and monotonic clock when the replayer went live (see stamp()).
  baseline: number;
  clockAtBaseline: number;
}

// Keys that mean something to a page besides text; Tab stays with the console (no keyboard trap).
const SENT_KEYS = new Set([
  'Enter', 'Backspace', 'Delete', 'Escape', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown',
]);
// Wheel bursts build on the position we last asked for until the replica has had time to follow.
const SCROLL_FOLLOW_MS = 400;
const SVG_NS = 'http://www.w3.org/2000/svg';
// See stamp(): how far before its arrival a delta is stamped, so that it is due at once.
const APPLY_EARLY_MS = 20;
// Assets asked of Tandem per page at most (the server caps a session's fetches too).
const MAX_PROXIED = 500;

/**
 * rrweb rebuilds a document by open()ing it, and never close()s it: left open, the replica counts
 * as still loading, and so does every page around it, the console's own included. The console
 * page opens its link before its code has loaded (early-link.ts), so the replica is often built
 * before that page has finished loading; it would then never fire its load event, and the
 * browser's loading indicator would spin for as long as the console is open.
 */
function finishLoading(doc: Document): void {
  if (doc.readyState === 'loading') {
    // The parser decides the layout mode from the first thing it reads, and rrweb built the tree
    // through the DOM, so close() alone would read "end of file" first: quirks mode, whatever the
    // customer's page is. The page's doctype, written to the parser before the end, gives the
    // same mode as on the page (standards, limited quirks or quirks); a page without one is in
    // quirks mode, as close() leaves the replica. The parser keeps the tree rrweb built.
    const doctype = doc.doctype;
    if (doctype) doc.write(doctypeSource(doctype));
    doc.close();
  }
  for (const frame of doc.querySelectorAll('iframe')) {
    const inner = frame.contentDocument;
    if (inner) finishLoading(inner);
  }
}

function attachesDocument(event: eventWithTime): boolean {
  return event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation &&
    event.data.adds.some((add) => add.node.type === NodeType.Document);
}

function doctypeSource(doctype: DocumentType): string {
  const quote = (id: string) => `"${id.replace(/"/g, '')}"`;
  const ids = doctype.publicId
    ? ` PUBLIC ${quote(doctype.publicId)}${doctype.systemId ? ` ${quote(doctype.systemId)}` : ''}`
    : doctype.systemId ? ` SYSTEM ${quote(doctype.systemId)}` : '';
  return `<!DOCTYPE ${doctype.name.replace(/[^A-Za-z0-9-]/g, '') || 'html'}${ids}>`;
}

function div(className: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  return el;
}

function cursorElement(): HTMLDivElement {
  const cursor = div('replica-cursor');
  cursor.setAttribute('aria-hidden', 'true');
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 22');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '22');
  const arrow = document.createElementNS(SVG_NS, 'path');
  arrow.setAttribute('d', 'M1 1 L1 17 L5.5 13 L8.5 20 L11 19 L8 12 L14 12 Z');
  svg.append(arrow);
  const label = div('replica-cursor-label');
  label.textContent = DEFAULT_LABELS.cursor;
  cursor.append(svg, label);
  return cursor;
}

function place(el: HTMLElement, left: number, top: number, width?: number, height?: number): void {
  el.style.transform = `translate(${left}px, ${top}px)`;
  if (width !== undefined) el.style.width = `${width}px`;
  if (height !== undefined) el.style.height = `${height}px`;
}

export class ReplicaViewer {
  private readonly frame = div('replica-frame');
  private readonly hoverBox = div('replica-hover');
  private readonly highlightBox = div('replica-highlight');
  private readonly cursor = cursorElement();
  private readonly surface = div('replica-surface');
  private readonly resizeObserver: ResizeObserver;
  private readonly scrubber = new ReplicaScrubber();
  // The page's pictures, fonts and style sheets as the page sent them: the replica loads nothing else.
  private readonly assets = new AssetStore();
  private readonly rewriter = new AssetRewriter(this.assets);
  // URLs asked of Tandem for this page (the page names them again after each snapshot).
  private proxied = new Set<string>();
  private live: LiveReplica | null = null;
  // A replay frame made ahead of the snapshot that will use it (prepare()).
  private spare: { replayer: Replayer; layer: HTMLElement } | null = null;
  private pending: PendingReplica | null = null;
  // The page's early picture (early-view.ts) is on screen: the next snapshot needs no first view.
  private pictureOnScreen = false;
  private tool: ReplicaTool = 'none';
  private viewport = { width: 0, height: 0 };
  // The host's size as the ResizeObserver last reported it (null until its first report).
  private available: { width: number; height: number } | null = null;
  private scale = 1;
  private zoom: ReplicaZoom = 'fit';
  private customerPoint: PagePoint | null = null;
  private readonly drift = new DriftWatch();
  private readonly hover = new CustomerHover();
  private highlightedId: number | null = null;
  private hovered: Element | null = null;
  private pointerShown = false;
  private refreshQueued = false;
  // Control: the field the agent last clicked receives what they type.
  private typingTarget: number | null = null;
  private typed = '';
  private typeFlushQueued = false;
  private pendingScroll: { nodeId: number | null; x: number; y: number } | null = null;
  private lastScroll: { nodeId: number | null; x: number; y: number; at: number } | null = null;

  private labels: ReplicaLabels = DEFAULT_LABELS;

  constructor(private readonly host: HTMLElement, private readonly actions: ReplicaActions) {
    this.surface.tabIndex = 0;
    this.surface.setAttribute('role', 'application');
    this.surface.setAttribute('aria-roledescription', this.labels.role);
    this.frame.append(this.hoverBox, this.highlightBox, this.cursor, this.surface);
    this.frame.hidden = true;
    host.append(this.frame);
    this.resizeObserver = new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box) this.available = { width: box.width, height: box.height };
      this.layout();
    });
    this.resizeObserver.observe(host);
    this.listen();
    this.setTool('none');
  }

  get hasReplica(): boolean {
    return this.live !== null || this.pending !== null;
  }

  /**
   * Creates the replay frame the next snapshot will be shown in, now rather than when it arrives:
   * an iframe (a document and a window of its own) and rrweb's replayer around it are the first
   * ~17 ms of showing a snapshot, which the console can spend while it still waits for one (bench:
   * agent join). Only while no replica is shown: the frame waits, hidden, for the first snapshot.
   */
  prepare(): void {
    if (this.live || this.pending || this.spare) return;
    try {
      this.spare = this.createReplica();
    } catch {
      // Left to the snapshot: showSnapshot() makes its own frame, and reports why it cannot.
    }
  }

  /** The console page shows the snapshot that comes next already, as a picture, until it is built. */
  snapshotPictured(): void {
    this.pictureOnScreen = true;
  }

  /**
   * Starts over from a full snapshot: a new Replayer (its event list would otherwise grow for the
   * whole call), drawn on top of the old one, which goes once the new one has been built.
   */
  showSnapshot(events: eventWithTime[]): void {
    this.dropPending();
    const { replayer, layer } = this.spare ?? this.createReplica();
    this.spare = null;
    const previous = this.live;
    const pending: PendingReplica = { replayer, layer, events: [], baseline: Date.now(), clockAtBaseline: performance.now(), timers: [] };
    this.pending = pending;
    // Scheduled first: whatever happens below, rrweb takes over (and builds the snapshot its own
    // way if no first view was handed to it), so nothing that arrives can wait for ever.
    pending.timers.push(window.setTimeout(() => this.takeOver(pending), TAKEOVER_MAX_WAIT_MS));
    // Scrubbed, rewritten and kept for the replayer, stamped before its baseline so that they are
    // applied at once: the snapshot is the replica, not an update.
    for (const event of events) this.add(event, pending.baseline - 1);
    // Nothing on screen yet: the page is shown at once, and rrweb takes it over after a frame.
    // With the page's early picture up, rrweb builds it at once instead: the picture stays until
    // then, and the page is laid out once, not twice.
    const pictured = this.pictureOnScreen;
    this.pictureOnScreen = false;
    if (!previous && !pictured && this.showFirst(pending)) return;
    this.takeOver(pending);
    if (previous) {
      // The new replica is built (above, as its events were applied); the old one goes in a later task.
      setTimeout(() => {
        previous.replayer.destroy();
        previous.layer.remove();
      }, 0);
    }
  }

  /**
   * The snapshot as a first view (replica-first-view.ts), if its markup can be written; rrweb
   * takes the frame over once it has been drawn. False: nothing shown, rrweb builds it now.
   */
  private showFirst(pending: PendingReplica): boolean {
    const { replayer, layer } = pending;
    let view: FirstView | null = null;
    try {
      const full = pending.events.find((e) => e.type === EventType.FullSnapshot);
      const meta = pending.events.find((e) => e.type === EventType.Meta);
      const size = meta ? (meta.data as { width: number; height: number }) : null;
      view = full ? showFirstView(replayer.iframe, (full.data as { node: Parameters<typeof showFirstView>[1] }).node, size) : null;
      if (view && size) this.resize(size);
    } catch {
      // Shown or not, rrweb builds what it was not handed (its own rebuild writes the document anew).
      view = null;
    }
    if (!view) return false;
    handOverFirstView(replayer, view);
    replayer.iframe.title = this.labels.replica;
    this.layoutLayer(layer);
    this.frame.hidden = false;
    requestAnimationFrame(() => pending.timers.push(window.setTimeout(() => this.takeOver(pending), 0)));
    return true;
  }

  /** The replayer goes live with what was kept for it (scrubbed, rewritten and stamped), in order. */
  private takeOver(pending: PendingReplica): void {
    if (this.pending !== pending) return;
    this.pending = null;
    for (const t of pending.timers) clearTimeout(t);
    const { replayer, layer } = pending;
    // The labels may have changed (the console's language arrived) since the frame was made.
    replayer.iframe.title = this.labels.replica;
    this.live = { replayer, feed: liveFeed(replayer), layer, baseline: pending.baseline, clockAtBaseline: pending.clockAtBaseline };
    // The replayer's baseline is ours, so that a delta stamped with its arrival time is due at once.
    replayer.startLive(pending.baseline);
    this.layoutLayer(layer);
    // Shown before the events are applied (one task: nothing is drawn in between): a hidden frame
    // has no layout, and rrweb's scroll to where the customer is would be lost.
    this.frame.hidden = false;
    for (const event of pending.events) this.live.feed.add(event);
    this.scheduleRefresh();
  }

  /** A first view not taken over yet goes (a newer snapshot, or sharing stopped). */
  private dropPending(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    for (const t of pending.timers) clearTimeout(t);
    pending.replayer.destroy();
    pending.layer.remove();
  }

  /** A replayer in a layer of its own, wired to the console; it shows nothing until it is given a snapshot. */
  private createReplica(): { replayer: Replayer; layer: HTMLElement } {
    const layer = div('replica-layer');
    // Above every layer there is. A spare is only made while no replica is shown and is taken by
    // the next snapshot, so it is still the top layer then; it is never moved (that would reload
    // its frame).
    this.frame.insertBefore(layer, this.hoverBox);
    const replayer = new Replayer([], {
      root: layer,
      liveMode: true,
      // See packages/sdk/FIDELITY.md: with the virtual DOM on, a live replica freezes at the
      // snapshot whenever history older than the live baseline is applied.
      useVirtualDom: false,
      mouseTail: false,
      UNSAFE_replayCanvas: false,
      // rrweb would focus replica fields as the customer focuses them, taking the agent's keyboard.
      triggerFocus: false,
      // Live mode never "plays", so rrweb's pause styling would freeze the page's animations.
      pauseAnimation: false,
      showWarning: false,
      insertStyleRules: [BLOCK_BOX_CSS],
    });
    const tokens = Array.from(replayer.iframe.sandbox);
    if (tokens.length !== 1 || tokens[0] !== 'allow-same-origin') {
      replayer.destroy();
      layer.remove();
      throw new Error(`refusing to show the replica: iframe sandbox is "${tokens.join(' ')}"`);
    }
    // Which way the last snapshot was built, on the layer (for tests and diagnostics).
    buildSnapshotsWithParser(replayer, (how) => { layer.dataset['build'] = how; });
    replayer.iframe.title = this.labels.replica;
    replayer.iframe.tabIndex = -1;
    keepFocusOutOf(replayer.iframe);
    replayer.on('resize', (size) => {
      // Only the replica on screen (or on its way there) sizes the frame, never a spare.
      if (this.live?.replayer === replayer) this.resize(size as { width: number; height: number });
    });
    const topLayer = new ReplicaTopLayer(() => replayer.iframe.contentDocument, replayer.getMirror());
    const mixedBoxes = new ReplicaMixedBoxes(replayer.getMirror());
    // The customer's focus, shown with classes (the replica never takes real focus: see replica-focus.ts).
    const focusRules = new FocusRules(replayer.getMirror());
    const focus = new ReplicaFocus(replayer.getMirror());
    replayer.on('event-cast', (e) => {
      // A frame's document that arrives after the snapshot (a cross-origin frame's page, a frame
      // added later) is opened by rrweb like the replica's own and must be finished the same way,
      // or it stays "loading": laid out in quirks mode, and the console page never fires load.
      if (attachesDocument(e as eventWithTime)) {
        const doc = replayer.iframe.contentDocument;
        if (doc) finishLoading(doc);
      }
      focusRules.applied(e as { type: number; data?: unknown });
      focus.refresh();
      this.hover.refresh();
      topLayer.retry();
      mixedBoxes.retry();
      this.scheduleRefresh();
    });
    replayer.on('custom-event', (e) => {
      const data = (e as { data?: { tag?: unknown; payload?: unknown } }).data;
      const state = topLayerState(data);
      if (state) topLayer.apply(state);
      const mixed = mixedBoxesOf(data);
      if (mixed) mixedBoxes.apply(mixed);
      const choices = manyChoicesOf(data);
      if (choices) applyManyChoices(replayer.getMirror(), choices);
      const focused = focusStateOf(data);
      if (focused) focus.apply(focused);
      const picture = canvasFrameOf(data);
      if (picture) paintCanvas(replayer.getMirror(), picture);
      const doc = replayer.iframe.contentDocument;
      if (doc && this.drift.check(data, doc, replayer.getMirror())) this.actions.drift();
    });
    // rrweb scrolls the replica smoothly and rebuilds its document on every snapshot: overlays
    // follow the scroll as it happens, through listeners added to each rebuilt document.
    replayer.on('fullsnapshot-rebuilded', () => {
      const doc = replayer.iframe.contentDocument;
      if (!doc) return;
      doc.addEventListener('scroll', () => this.scheduleRefresh(), { capture: true, passive: true });
      finishLoading(doc);
      focusRules.rebuilt(doc);
      focus.refresh();
      mixedBoxes.rebuilt();
      topLayer.retry();
    });
    return { replayer, layer };
  }

  applyDelta(events: eventWithTime[]): void {
    const clock = this.pending ?? this.live;
    if (!clock) return;
    // rrweb would apply them on its next animation-frame tick (up to a frame, ~16 ms, later); they
    // are due now, so the feed applies each as it is added (see replica-live-feed.ts).
    for (const event of events) this.add(event, this.stamp(clock));
  }

  moveCustomerPointer(point: PagePoint): void {
    this.customerPoint = point;
    this.hover.follow(this.replicaWindow(), point);
    this.scheduleRefresh();
  }

  setTool(tool: ReplicaTool): void {
    if (tool === this.tool) return;
    if (this.pointerShown) {
      this.pointerShown = false;
      this.actions.pointer(0, 0, false);
    }
    if (tool !== 'control') this.typingTarget = null;
    this.tool = tool;
    this.hovered = null;
    this.surface.dataset['tool'] = tool;
    this.surface.setAttribute('aria-label', this.labels.surface[tool]);
    this.scheduleRefresh();
  }

  /** The words for screen readers and the customer's cursor, in the console's language. */
  setLabels(labels: ReplicaLabels): void {
    this.labels = labels;
    this.surface.setAttribute('aria-roledescription', labels.role);
    this.surface.setAttribute('aria-label', labels.surface[this.tool]);
    const cursorLabel = this.cursor.querySelector('.replica-cursor-label');
    if (cursorLabel) cursorLabel.textContent = labels.cursor;
    if (this.live) this.live.replayer.iframe.title = labels.replica;
  }

  clearHighlight(): void {
    if (this.highlightedId === null) return;
    this.highlightedId = null;
    this.actions.highlight(null);
    this.scheduleRefresh();
  }

  /** Removes the replica (the customer stopped sharing): nothing of their page stays on screen. */
  clear(): void {
    this.dropPending();
    this.assets.clear();
    this.proxied = new Set();
    this.live?.replayer.destroy();
    this.live?.layer.remove();
    this.live = null;
    this.customerPoint = null;
    this.highlightedId = null;
    this.frame.hidden = true;
  }

  focus(): void {
    this.surface.focus();
  }

  /** Fit to the console's width, or a fixed zoom; pointer and clicks map back at any zoom. */
  setZoom(zoom: ReplicaZoom): void {
    this.zoom = zoom;
    this.layout();
  }

  /** One zoom step larger or smaller than what is shown now. */
  zoomBy(direction: 1 | -1): void {
    this.setZoom(stepZoom(this.scale, direction));
  }

  get zoomLevel(): { scale: number; fit: boolean } {
    return { scale: this.scale, fit: this.zoom === 'fit' };
  }

  destroy(): void {
    this.assets.clear();
    this.resizeObserver.disconnect();
    this.live?.replayer.destroy();
    this.live = null;
    this.dropPending();
    this.spare?.replayer.destroy();
    this.spare = null;
    this.frame.remove();
  }

  /**
   * Customer timestamps come from another machine's clock. rrweb's live mode delays an event by
   * how far its timestamp is ahead of our clock, so a customer clock two minutes fast would mean a
   * replica two minutes late. Deltas are re-stamped with our arrival time instead: each is then
   * due at once, and applied in arrival order (which is the capture order).
   */
  private stamp(live: { baseline: number; clockAtBaseline: number }): number {
    // APPLY_EARLY_MS early, so that the event is already due by rrweb's live timer when the feed
    // runs it (that timer lags our clock by up to about a frame: with 1 ms, 7% of deltas still
    // waited for the next frame); never before the baseline, which would make rrweb take it
    // for history. A constant shift keeps the arrival order, which is all the stamp is for.
    return live.baseline + Math.max(0, performance.now() - live.clockAtBaseline - APPLY_EARLY_MS);
  }

  private add(event: eventWithTime, timestamp: number): void {
    if (event.type === EventType.Custom) {
      const asset = assetFrameOf(event.data);
      // Kept here, not in rrweb's event list (which lives as long as the replica).
      if (asset) return this.assetArrived(asset, timestamp);
      const unreadable = unreadableAssetOf(event.data);
      if (unreadable) return this.fetchThroughTandem(unreadable);
    }
    this.scrubber.scrub(event);
    this.rewriter.rewrite(event);
    const stamped = { ...event, timestamp } as eventWithTime;
    // A first view waiting for rrweb: kept, in order, for when it takes over.
    if (this.pending) this.pending.events.push(stamped);
    else this.live?.feed.add(stamped);
  }

  /**
   * Asks Tandem for an asset the page may not read; what comes back is used like what the page
   * sends. A style sheet's own pictures and fonts are asked for too: the page, which could not
   * read the sheet, never learnt of them.
   */
  private fetchThroughTandem(url: string): void {
    const fetchAsset = this.actions.fetchAsset;
    if (!fetchAsset || this.proxied.has(url) || this.proxied.size >= MAX_PROXIED) return;
    this.proxied.add(url);
    const asked = this.proxied;
    void fetchAsset(url).then((asset) => {
      // Sharing stopped (clear) meanwhile: the page it belonged to is gone.
      if (!asset || asked !== this.proxied || !this.assets.putBytes(url, asset.type, asset.bytes)) return;
      if (asset.type === 'text/css') for (const inner of cssUrls(this.assets.css(url) ?? '', url)) this.fetchThroughTandem(inner);
      const clock = this.pending ?? this.live;
      this.assetStored(url, clock ? this.stamp(clock) : Date.now());
    });
  }

  /** The nodes that were drawn without this asset get their original values again, now rewritten with it. */
  private assetArrived(asset: { url: string; type: string; data: string }, timestamp: number): void {
    if (!this.assets.put(asset)) return;
    this.assetStored(asset.url, timestamp);
  }

  private assetStored(url: string, timestamp: number): void {
    const { attributes, texts } = this.rewriter.arrived(url);
    if (attributes.length === 0 && texts.length === 0) return;
    this.add({
      type: EventType.IncrementalSnapshot,
      data: { source: IncrementalSource.Mutation, adds: [], removes: [], texts, attributes },
      timestamp,
    } as eventWithTime, timestamp);
  }

  private resize(size: { width: number; height: number }): void {
    if (!(size.width > 0 && size.height > 0)) return;
    this.viewport = { width: size.width, height: size.height };
    this.layout();
  }

  private layout(): void {
    const { width, height } = this.viewport;
    if (!width || !height) return;
    // The size the observer reported after the last layout, not a fresh measure: measuring here,
    // in the middle of building a replica, would lay the console out once more before it is
    // drawn. Until the first report there is nothing to fit to; the report lays the replica out,
    // before that frame is painted.
    const available = this.available;
    if (!available) return;
    this.scale = replicaScale(this.zoom, { width }, available);
    this.frame.style.width = `${Math.floor(width * this.scale)}px`;
    this.frame.style.height = `${Math.floor(height * this.scale)}px`;
    for (const layer of this.frame.querySelectorAll<HTMLElement>('.replica-layer')) this.layoutLayer(layer);
    this.actions.viewport({ width, height, scale: this.scale, fit: this.zoom === 'fit' });
    this.scheduleRefresh();
  }

  private layoutLayer(layer: HTMLElement): void {
    layer.style.transform = `scale(${this.scale})`;
  }

  private scheduleRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    requestAnimationFrame(() => {
      this.refreshQueued = false;
      this.refresh();
    });
  }

  private replicaWindow(): Window | null {
    return this.live?.replayer.iframe.contentWindow ?? null;
  }

  /** Redraws what sits on top of the replica; the page under it may have scrolled or changed. */
  private refresh(): void {
    const win = this.replicaWindow();
    const doc = win?.document;
    const s = this.scale;
    const point = this.customerPoint;
    if (win && point) {
      const x = (point.x - win.scrollX) * s;
      const y = (point.y - win.scrollY) * s;
      const inside = x >= 0 && y >= 0 && x <= this.viewport.width * s && y <= this.viewport.height * s;
      this.cursor.hidden = !inside;
      place(this.cursor, x, y);
    } else {
      this.cursor.hidden = true;
    }
    // Replica nodes belong to the iframe's realm: `instanceof Element` would be false for them.
    const highlighted = this.highlightedId === null ? null : this.live?.replayer.getMirror().getNode(this.highlightedId);
    this.drawBox(this.highlightBox, highlighted?.nodeType === Node.ELEMENT_NODE ? (highlighted as Element) : null, doc);
    this.drawBox(this.hoverBox, this.tool === 'highlight' ? this.hovered : null, doc);
  }

  private drawBox(box: HTMLElement, el: Element | null, doc: Document | undefined): void {
    if (!el || !doc || !el.isConnected) {
      box.hidden = true;
      return;
    }
    const r = boxInReplica(el, doc);
    const s = this.scale;
    box.hidden = false;
    place(box, r.left * s - 3, r.top * s - 3, r.width * s + 6, r.height * s + 6);
  }

  /** A point on the surface in the replica's viewport (the customer's CSS pixels). */
  private toViewport(event: MouseEvent): { x: number; y: number } {
    return pagePoint({ x: event.clientX, y: event.clientY }, this.frame.getBoundingClientRect(), this.scale);
  }

  private elementAt(event: MouseEvent): Element | null {
    const doc = this.replicaWindow()?.document;
    if (!doc) return null;
    const { x, y } = this.toViewport(event);
    return deepElementAt(doc, x, y);
  }

  /** The rrweb id of the element, or of its nearest ancestor the customer's page knows. */
  private nodeIdOf(el: Element | null): number | null {
    const mirror = this.live?.replayer.getMirror();
    let node: Node | null = el;
    while (node && mirror) {
      const id = mirror.getId(node);
      if (id > 0) return id;
      node = composedParent(node);
    }
    return null;
  }

  private listen(): void {
    const surface = this.surface;
    surface.addEventListener('pointermove', (event) => this.onMove(event));
    surface.addEventListener('pointerleave', () => {
      if (this.pointerShown) {
        this.pointerShown = false;
        this.actions.pointer(0, 0, false);
      }
      this.hovered = null;
      this.scheduleRefresh();
    });
    surface.addEventListener('click', (event) => this.onClick(event));
    surface.addEventListener('keydown', (event) => this.onKey(event));
    surface.addEventListener('paste', (event) => {
      if (this.tool !== 'control' || this.typingTarget === null) return;
      event.preventDefault();
      this.typeText(event.clipboardData?.getData('text/plain') ?? '');
    });
    surface.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
  }

  private onMove(event: PointerEvent): void {
    const win = this.replicaWindow();
    if (!win) return;
    if (this.tool === 'pointer' || this.tool === 'control') {
      const { x, y } = this.toViewport(event);
      this.pointerShown = true;
      this.actions.pointer(x + win.scrollX, y + win.scrollY, true);
    } else if (this.tool === 'highlight') {
      this.hovered = this.elementAt(event);
      this.scheduleRefresh();
    }
  }

  private onClick(event: MouseEvent): void {
    const win = this.replicaWindow();
    if (!win) return;
    if (this.tool === 'highlight') {
      const id = this.nodeIdOf(this.elementAt(event));
      this.highlightedId = id === this.highlightedId ? null : id;
      this.actions.highlight(this.highlightedId);
      this.scheduleRefresh();
    } else if (this.tool === 'control') {
      const id = this.nodeIdOf(this.elementAt(event));
      if (id === null) return;
      this.flushTyped();
      const { x, y } = this.toViewport(event);
      this.typingTarget = id;
      this.actions.control({ action: 'click', nodeId: id, x: Math.round(x + win.scrollX), y: Math.round(y + win.scrollY) });
      this.surface.focus();
    }
  }

  private onKey(event: KeyboardEvent): void {
    // Zoom keys, as in a browser, except while they are typed into the customer's page.
    if (this.tool !== 'control' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const zoom = ZOOM_KEYS[event.key];
      if (zoom !== undefined) {
        event.preventDefault();
        if (zoom === 'fit') this.setZoom('fit');
        else this.zoomBy(zoom);
        return;
      }
    }
    if (this.tool === 'highlight' && event.key === 'Escape') {
      this.clearHighlight();
      return;
    }
    if (this.tool !== 'control' || this.typingTarget === null || event.isComposing) return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.key === 'Tab') return;
    if (event.key.length === 1) {
      event.preventDefault();
      this.typeText(event.key);
    } else if (SENT_KEYS.has(event.key)) {
      event.preventDefault();
      this.flushTyped();
      this.actions.control({ action: 'key', nodeId: this.typingTarget, key: event.key });
    }
  }

  /** Keystrokes of one frame travel as one `type` command: fewer messages, same order. */
  private typeText(text: string): void {
    if (!text) return;
    this.typed += text;
    if (this.typeFlushQueued) return;
    this.typeFlushQueued = true;
    requestAnimationFrame(() => this.flushTyped());
  }

  private flushTyped(): void {
    this.typeFlushQueued = false;
    const text = this.typed;
    this.typed = '';
    if (!text || this.typingTarget === null) return;
    // The protocol caps one command's text; longer pastes go in pieces.
    for (let i = 0; i < text.length; i += 2000) {
      this.actions.control({ action: 'type', nodeId: this.typingTarget, text: text.slice(i, i + 2000) });
    }
  }

  private onWheel(event: WheelEvent): void {
    const win = this.replicaWindow();
    if (this.tool !== 'control' || !win) return;
    event.preventDefault();
    const el = this.elementAt(event);
    const scroller = el ? scrollableAncestor(el) : null;
    const nodeId = scroller ? this.nodeIdOf(scroller) : null;
    const recent = this.lastScroll && this.lastScroll.nodeId === nodeId && performance.now() - this.lastScroll.at < SCROLL_FOLLOW_MS
      ? this.lastScroll
      : null;
    const base = this.pendingScroll?.nodeId === nodeId ? this.pendingScroll
      : recent ?? (scroller ? { x: scroller.scrollLeft, y: scroller.scrollTop } : { x: win.scrollX, y: win.scrollY });
    // Wheel deltas are the agent's screen pixels; the replica is drawn at `scale`.
    const lineHeight = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : 1;
    const dx = (event.deltaX * lineHeight) / this.scale;
    const dy = (event.deltaY * lineHeight) / this.scale;
    const wasPending = this.pendingScroll !== null;
    this.pendingScroll = { nodeId, x: Math.max(0, base.x + dx), y: Math.max(0, base.y + dy) };
    if (!wasPending) requestAnimationFrame(() => this.flushScroll());
  }

  private flushScroll(): void {
    const pending = this.pendingScroll;
    this.pendingScroll = null;
    if (!pending) return;
    const x = Math.round(pending.x);
    const y = Math.round(pending.y);
    this.lastScroll = { ...pending, x, y, at: performance.now() };
    this.actions.control(pending.nodeId === null ? { action: 'scroll', x, y } : { action: 'scroll', x, y, nodeId: pending.nodeId });
  }
}

const ZOOM_KEYS: Record<string, 1 | -1 | 'fit'> = { '+': 1, '=': 1, '-': -1, '0': 'fit' };

export interface ReplicaLabels {
  /** What a screen reader says on the replica with each tool (zoom keys included where they work). */
  surface: Record<ReplicaTool, string>;
  role: string;
  replica: string;
  cursor: string;
}

const ZOOM_HELP = ' Plus and minus zoom, 0 fits the width.';
const DEFAULT_LABELS: ReplicaLabels = {
  surface: {
    none: `Customer's screen.${ZOOM_HELP}`,
    pointer: `Customer's screen. Move the mouse here to point: the customer sees your pointer.${ZOOM_HELP}`,
    highlight: `Customer's screen. Click an element to highlight it for the customer; Escape clears.${ZOOM_HELP}`,
    control: "Customer's screen, remote control on. Clicks, typing and scrolling go to the customer's page; Tab leaves.",
  },
  role: 'customer screen',
  replica: "Customer's page (live copy)",
  cursor: 'Customer',
};
