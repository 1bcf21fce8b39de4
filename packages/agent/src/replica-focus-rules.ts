// The replica never holds focus (it would take the agent's keyboard), so its :focus, :focus-visible
// and :focus-within rules never match. Each such rule of the replica's stylesheets is rewritten to
// match a class of the same name instead (`.\:focus`, as rrweb does for :hover with `.\:hover`),
// which replica-focus.ts puts where the customer's page has focus. rrweb rewrites :hover in the CSS
// text it builds; rules that reach the replica some other way (added with insertRule, adopted
// sheets, stylesheets that load later) it does not touch, so this works on the sheets themselves
// (CSSOM), whichever way their rules came: every style sheet of the replica's document, of each of
// its open shadow roots and of each of its frames. A rule's selector is changed in place (no rule
// is added or moved), so the indexes rrweb later inserts and deletes rules at stay right; and the
// original selector goes, so that `:not(:focus)` stops matching where the customer has focus.
import { EventType, IncrementalSource } from '@rrweb/types';

interface NodeMirror {
  getNode(id: number): Node | null;
}

// `:focus`, `:focus-visible`, `:focus-within`, not already escaped (a class), not a longer name.
const FOCUS_PSEUDO = /(?<!\\):focus(-visible|-within)?(?![\w-])/g;
// Grouping rules nest (@media in @supports in @layer, CSS nesting); pages do not nest this deep.
const MAX_RULE_DEPTH = 16;

/** The selector with each focus pseudo-class as a class of the same name; unchanged when it has none. */
export function focusSelector(selector: string): string {
  return selector.includes(':focus') ? selector.replace(FOCUS_PSEUDO, '.\\:focus$1') : selector;
}

type Root = Document | ShadowRoot;
type SerializedLike = { type?: unknown; id?: unknown; isShadowHost?: unknown; childNodes?: unknown };

function rewriteRules(rules: CSSRuleList, depth: number): void {
  if (depth > MAX_RULE_DEPTH) return;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]! as CSSRule & { selectorText?: string; cssRules?: CSSRuleList; styleSheet?: CSSStyleSheet | null };
    const selector = rule.selectorText;
    if (typeof selector === 'string' && selector.includes(':focus')) {
      const rewritten = focusSelector(selector);
      // A selector the browser does not take back is left as it was (the setter ignores it).
      if (rewritten !== selector) rule.selectorText = rewritten;
    }
    // @media, @supports, @layer, @container and nested style rules hold rules of their own.
    if (rule.cssRules) rewriteRules(rule.cssRules, depth + 1);
    if (rule.styleSheet) {
      try {
        rewriteRules(rule.styleSheet.cssRules, depth + 1);
      } catch {
        // An @import the replica could not read (another origin): nothing to rewrite in it.
      }
    }
  }
}

function hasFocusRule(rules: readonly { rule?: unknown }[] | undefined): boolean {
  return Array.isArray(rules) && rules.some((r) => typeof r?.rule === 'string' && r.rule.includes(':focus'));
}

/** One replica's stylesheets; made again with each replica. */
export class FocusRules {
  private readonly roots = new Set<Root>();
  private readonly done = new WeakSet<CSSStyleSheet>();

  constructor(private readonly mirror: NodeMirror) {}

  /** rrweb built the replica's document (again): rewrites every sheet in it. */
  rebuilt(doc: Document): void {
    this.roots.clear();
    this.collect(doc);
    this.rewrite(false);
  }

  /**
   * rrweb applied `event`: sheets it added (a <style>, a shadow root, a frame) are rewritten, and
   * rules it inserted into a sheet that was rewritten already, when they use a focus pseudo-class.
   */
  applied(event: { type: number; data?: unknown }): void {
    if (event.type !== EventType.IncrementalSnapshot) return;
    const data = event.data as { source?: number; adds?: unknown; styles?: unknown };
    if (data.source === IncrementalSource.Mutation) {
      const adds = Array.isArray(data.adds) ? (data.adds as { parentId?: unknown; node?: SerializedLike & { isShadow?: unknown } }[]) : [];
      for (const add of adds) {
        if (add.node?.isShadow === true && typeof add.parentId === 'number') this.addShadowOf(this.mirror.getNode(add.parentId));
        if (add.node) this.findRoots(add.node, 0);
      }
      this.rewrite(false);
    } else if (data.source === IncrementalSource.StyleSheetRule) {
      if (hasFocusRule(data.adds as { rule?: unknown }[] | undefined)) this.rewrite(true);
    } else if (data.source === IncrementalSource.AdoptedStyleSheet) {
      const styles = Array.isArray(data.styles) ? (data.styles as { rules?: { rule?: unknown }[] }[]) : [];
      // A sheet adopted again somewhere else is the same sheet, rewritten already; new ones are new.
      this.rewrite(styles.some((s) => hasFocusRule(s.rules)));
    }
  }

  /** A root's sheets and the ones its shadow roots and frames hold, found once per rebuild. */
  private collect(root: Root): void {
    if (this.roots.has(root)) return;
    this.roots.add(root);
    // A stylesheet <link> rrweb could not inline loads after the replica is built.
    root.addEventListener('load', this.onLoad, true);
    const doc = root.nodeType === 9 ? (root as Document) : root.ownerDocument;
    if (!doc) return;
    const walker = doc.createTreeWalker(root, 1);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node as Element;
      if (el.shadowRoot) this.collect(el.shadowRoot);
      if (el.nodeName === 'IFRAME') {
        const inner = (el as HTMLIFrameElement).contentDocument;
        if (inner) this.collect(inner);
      }
    }
  }

  private addShadowOf(node: Node | null): void {
    const shadow = node && node.nodeType === 1 ? (node as Element).shadowRoot : null;
    if (shadow) this.collect(shadow);
  }

  /** New shadow hosts and frame documents in a subtree rrweb added (its serialised form). */
  private findRoots(node: SerializedLike, depth: number): void {
    if (depth > 512 || typeof node.id !== 'number') return;
    if (node.isShadowHost === true) this.addShadowOf(this.mirror.getNode(node.id));
    if (node.type === 0) {
      const doc = this.mirror.getNode(node.id);
      if (doc && doc.nodeType === 9) this.collect(doc as Document);
    }
    if (Array.isArray(node.childNodes)) for (const child of node.childNodes as SerializedLike[]) this.findRoots(child, depth + 1);
  }

  private readonly onLoad = (event: Event): void => {
    const target = event.target as Node | null;
    if (target?.nodeName !== 'LINK') return;
    const sheet = (target as HTMLLinkElement).sheet;
    if (sheet) this.rewriteSheet(sheet, false);
  };

  private rewrite(again: boolean): void {
    for (const root of this.roots) {
      // A shadow root whose host left the replica, a frame document that went with its frame.
      const gone = root.nodeType === 9 ? !(root as Document).defaultView : !(root as ShadowRoot).host.isConnected;
      if (gone) {
        this.roots.delete(root);
        continue;
      }
      for (const sheet of Array.from(root.styleSheets)) this.rewriteSheet(sheet, again);
      for (const sheet of root.adoptedStyleSheets ?? []) this.rewriteSheet(sheet, again);
    }
  }

  private rewriteSheet(sheet: CSSStyleSheet, again: boolean): void {
    if (!again && this.done.has(sheet)) return;
    this.done.add(sheet);
    // Reading a rule's selector costs about 3 µs in Chromium; a <style> whose text has no focus
    // pseudo-class at all is passed over (rules inserted into it later come as their own events).
    const owner = sheet.ownerNode;
    if (!again && owner?.nodeName === 'STYLE' && !(owner.textContent ?? '').includes(':focus')) return;
    try {
      rewriteRules(sheet.cssRules, 0);
    } catch {
      // A sheet from another origin: its rules cannot be read, so they cannot be rewritten.
    }
  }
}
