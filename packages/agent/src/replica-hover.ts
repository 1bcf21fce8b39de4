// The customer's pointer makes the replica's :hover styles apply where it rests, so a menu that
// opens on hover on the customer's screen is open for the agent too. rrweb rewrites every :hover
// rule of the replica's stylesheets to also match a `:hover` class; this puts that class on the
// element under the customer's pointer and on each element it sits in (through shadow roots), as
// the browser's own :hover does, and takes it off where the pointer left.
import type { PagePoint } from './page-frame.ts';
import { composedParent, deepElementAt } from './replica-geometry.ts';

const HOVER_CLASS = ':hover';

export class CustomerHover {
  private hovered: Element[] = [];

  /** The pointer is at `point` (page coordinates); null when it left the page. */
  follow(win: Window | null, point: PagePoint | null): void {
    const next: Element[] = [];
    if (win && point) {
      let node: Node | null = deepElementAt(win.document, point.x - win.scrollX, point.y - win.scrollY);
      // Bounded by the tree's depth: composedParent ends at the document.
      while (node) {
        if (node.nodeType === 1) next.push(node as Element);
        node = composedParent(node);
      }
    }
    const keep = new Set(next);
    for (const el of this.hovered) if (!keep.has(el)) el.classList.remove(HOVER_CLASS);
    for (const el of next) if (!el.classList.contains(HOVER_CLASS)) el.classList.add(HOVER_CLASS);
    this.hovered = next;
  }

  /** Puts the class back where the page's own `class` writes wiped it (rrweb copies the whole attribute). */
  refresh(): void {
    for (const el of this.hovered) if (el.isConnected && !el.classList.contains(HOVER_CLASS)) el.classList.add(HOVER_CLASS);
  }
}
