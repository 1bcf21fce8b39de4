// Builds a full snapshot through the browser's own HTML parser: the markup of replica-html.ts is
// written into the replica's document in one go, and rrweb's node ids are then given to the
// parsed nodes by walking the snapshot and the parsed tree side by side. rrweb's own rebuild
// creates, sets up and appends every node with a DOM call of its own, which profiled as the
// largest part of an agent's join after the browser's layout (bench: agent join).
//
// The parser may build another tree than the page had (a page that made its tree with DOM calls
// can hold what markup cannot say: a <p> in a <p>, a <div> straight in a <table>...). The walk
// checks every node it maps; at the first difference rrweb rebuilds the snapshot its own way, so
// the replica is never wrong, only sometimes not faster. What follows the build is rrweb's own:
// later mutations find the parsed nodes in its mirror as they would find the ones it made.
import { ReplayerEvents, IncrementalSource } from 'rrweb';
import type { Replayer } from 'rrweb';
import { NodeType } from '@rrweb/types';
import type { eventWithTime, serializedNodeWithId } from '@rrweb/types';
import { defineCustomElements, planParsedBuild, replicaTagName, writtenAttributeName } from './replica-html.ts';
import type { ParsedBuildPlan, RrwebAdd } from './replica-html.ts';
import type { FirstView } from './replica-first-view.ts';

export type SnapshotBuild = 'parser' | 'rrweb';

type Mirror = ReturnType<Replayer['getMirror']>;

/** The parts of rrweb 2.2.2's Replayer its own rebuildFullSnapshot uses (private in its typings). */
interface ReplayerInternals {
  iframe: HTMLIFrameElement;
  mirror: Mirror;
  usingVirtualDom: boolean;
  legacy_missingNodeRetryMap: Record<string, unknown>;
  config: { UNSAFE_replayCanvas?: boolean };
  service: { state: { matches(state: string): boolean } };
  emitter: { emit(type: string, event?: unknown): void };
  rebuildFullSnapshot(event: eventWithTime, isSync?: boolean): void;
  applyMutation(data: unknown, isSync: boolean): void;
  insertStyleRules(documentElement: HTMLElement, head: HTMLHeadElement): void;
  waitForStylesheetLoad(): void;
  preloadAllImages(): unknown;
}

function internalsOf(replayer: Replayer): ReplayerInternals | null {
  const r = replayer as unknown as Partial<ReplayerInternals>;
  const methods = [r.rebuildFullSnapshot, r.applyMutation, r.insertStyleRules, r.waitForStylesheetLoad];
  return methods.every((m) => typeof m === 'function') && r.emitter && r.service ? (r as ReplayerInternals) : null;
}

// A snapshot already written into a replayer's frame (replica-first-view.ts), for its next build.
const firstViews = new WeakMap<Replayer, FirstView>();

/** The next build of this replayer maps `view` where it stands instead of writing it again. */
export function handOverFirstView(replayer: Replayer, view: FirstView): void {
  firstViews.set(replayer, view);
}

/**
 * Makes the replayer build full snapshots through the parser when it can; `built` hears which way
 * each one was built. Returns false (and leaves rrweb as it is) on an rrweb it does not know.
 */
export function buildSnapshotsWithParser(replayer: Replayer, built: (how: SnapshotBuild) => void): boolean {
  const internals = internalsOf(replayer);
  if (!internals) return false;
  const rrwebRebuild = internals.rebuildFullSnapshot;
  internals.rebuildFullSnapshot = function rebuildFullSnapshot(this: ReplayerInternals, event: eventWithTime, isSync = false) {
    const view = firstViews.get(replayer) ?? null;
    firstViews.delete(replayer);
    if (parsedRebuild(this, event, isSync, view)) return built('parser');
    this.mirror.reset();
    rrwebRebuild.call(this, event, isSync);
    built('rrweb');
  };
  return true;
}

function parsedRebuild(r: ReplayerInternals, event: eventWithTime, isSync: boolean, view: FirstView | null): boolean {
  const doc = r.iframe.contentDocument;
  const root = (event.data as { node?: serializedNodeWithId }).node;
  if (!doc || !root || r.usingVirtualDom) return false;
  const written = view?.root === root ? view : null;
  const plan = written ? written.plan : planParsedBuild(root);
  if (!plan) return false;
  r.legacy_missingNodeRetryMap = {};
  r.mirror.reset();
  if (written) {
    // Already in the frame: only the plain style sheets go, for rrweb's own (added below with the
    // rest of what it builds). In one task, so no frame is drawn without the page's styles.
    for (const style of written.styles) style.remove();
  } else {
    doc.close();
    doc.open();
    if (!defineCustomElements(doc, plan.customTags)) return false;
    doc.write(plan.html);
    doc.close();
  }
  if (!mapTree(doc, root, plan, r.mirror)) return false;
  for (const { id, width, height } of plan.sizes) {
    const el = r.mirror.getNode(id) as HTMLElement | null;
    if (width !== undefined) el?.style.setProperty('width', width);
    if (height !== undefined) el?.style.setProperty('height', height);
  }
  if (plan.adds.length && !addWithRrweb(r, plan.adds, isSync)) return false;
  for (const { id, left, top } of plan.scrolls) {
    const el = r.mirror.getNode(id) as Element | null;
    if (el && left !== undefined) el.scrollLeft = left;
    if (el && top !== undefined) el.scrollTop = top;
  }
  // The rest of rrweb's rebuildFullSnapshot, as it does it.
  const { documentElement, head } = doc;
  r.insertStyleRules(documentElement, head);
  if (!r.service.state.matches('playing')) documentElement.classList.add('rrweb-paused');
  r.emitter.emit(ReplayerEvents.FullsnapshotRebuilded, event);
  if (!isSync) r.waitForStylesheetLoad();
  if (r.config.UNSAFE_replayCanvas && typeof r.preloadAllImages === 'function') void r.preloadAllImages();
  return true;
}


/** The nodes rrweb builds itself, as one mutation; true when every one of them is in the replica. */
function addWithRrweb(r: ReplayerInternals, adds: RrwebAdd[], isSync: boolean): boolean {
  r.applyMutation({ source: IncrementalSource.Mutation, adds, removes: [], texts: [], attributes: [] }, isSync);
  return adds.every((add) => r.mirror.has(add.node.id));
}

/** Gives each parsed node its snapshot id; false at the first node the parser built otherwise. */
function mapTree(doc: Document, root: serializedNodeWithId, plan: ParsedBuildPlan, mirror: Mirror): boolean {
  mirror.add(doc, root);
  const walk = new TreeWalk(plan, mirror);
  return walk.children(doc, root);
}

class TreeWalk {
  private readonly upperCase = new Map<string, string>();

  constructor(private readonly plan: ParsedBuildPlan, private readonly mirror: Mirror) {}

  /**
   * The parser lowercases attribute names it does not know on SVG elements; rrweb keeps them. (On
   * HTML elements both lowercase, and the markup only has names that tokenize as written.)
   */
  private svgAttributesKept(el: Element, n: Extract<serializedNodeWithId, { type: NodeType.Element }>): boolean {
    for (const name in n.attributes) {
      if (!name.startsWith('rr_') && n.attributes[name] !== null && !el.hasAttribute(writtenAttributeName(name))) return false;
    }
    return true;
  }

  children(parent: Node, n: serializedNodeWithId): boolean {
    if (n.type !== NodeType.Document && n.type !== NodeType.Element) return true;
    // rrweb writes a textarea's value as its text: its children are not in the replica.
    const kids = n.type === NodeType.Element && n.tagName === 'textarea' && typeof n.attributes['value'] === 'string' ? [] : n.childNodes;
    let dom = parent.firstChild;
    for (const c of kids) {
      if (this.plan.addedIds.has(c.id)) continue;
      if (!dom || !this.matches(dom, c)) return false;
      this.mirror.add(dom, c);
      if (!this.children(dom, c)) return false;
      dom = dom.nextSibling;
    }
    // Text the parser made of a textarea's value is not a node of the page.
    if (kids !== n.childNodes) return dom === null || (dom.nodeType === Node.TEXT_NODE && dom.nextSibling === null);
    return dom === null;
  }

  private matches(dom: Node, n: serializedNodeWithId): boolean {
    // One accessor per node (each is a call into the DOM): nodeName says both kind and name, and
    // for an element also its namespace (upper case for HTML, as written for SVG).
    const name = dom.nodeName;
    switch (n.type) {
      case NodeType.Element: {
        const tag = replicaTagName(n);
        if (n.isSVG) return name === tag && this.svgAttributesKept(dom as Element, n);
        let upper = this.upperCase.get(tag);
        if (upper === undefined) this.upperCase.set(tag, (upper = tag.toUpperCase()));
        return name === upper;
      }
      case NodeType.Text: {
        if (name !== '#text') return false;
        const text = dom as Text;
        if (text.data === n.textContent) return true;
        // Texts that were side by side on the page (or around a node rrweb adds) parse as one.
        if (text.data.length > n.textContent.length && text.data.startsWith(n.textContent)) {
          text.splitText(n.textContent.length);
          return true;
        }
        return false;
      }
      case NodeType.Comment:
        return name === '#comment' && (dom as Comment).data === n.textContent;
      case NodeType.DocumentType: {
        const dt = dom as DocumentType;
        if (dt.nodeType !== Node.DOCUMENT_TYPE_NODE) return false;
        return dt.name === (n.name || 'html') && dt.publicId === n.publicId && dt.systemId === n.systemId;
      }
      default:
        return false;
    }
  }
}
