// Finding things in the replica by position, and positions of things in the replica. The replica
// is a sandboxed same-origin iframe: the console reads its DOM and layout directly, nothing in it
// runs. Open shadow roots and nested iframes are rebuilt by rrweb, so a point can lead into them.

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

function isFrame(el: Element): el is HTMLIFrameElement {
  return el.localName === 'iframe' || el.localName === 'frame';
}

/** The innermost element at a point of the replica's viewport (CSS pixels of the customer's page). */
export function deepElementAt(doc: Document, x: number, y: number): Element | null {
  let el = doc.elementFromPoint(x, y);
  let px = x;
  let py = y;
  while (el) {
    if (el.shadowRoot) {
      const inner = el.shadowRoot.elementFromPoint(px, py);
      if (inner && inner !== el) {
        el = inner;
        continue;
      }
    }
    if (isFrame(el) && el.contentDocument) {
      const rect = el.getBoundingClientRect();
      px -= rect.left + el.clientLeft;
      py -= rect.top + el.clientTop;
      const inner = el.contentDocument.elementFromPoint(px, py);
      if (inner) {
        el = inner;
        continue;
      }
    }
    return el;
  }
  return null;
}

/** The parent, stepping out of shadow roots; null at the top of a document. */
export function composedParent(node: Node): Node | null {
  const parent = node.parentNode;
  if (!parent || parent.nodeType === Node.DOCUMENT_NODE) return null;
  if (parent.nodeType === Node.DOCUMENT_FRAGMENT_NODE) return (parent as ShadowRoot).host ?? null;
  return parent;
}

/** An element's box in the replica's viewport, through any nested iframes it sits in. */
export function boxInReplica(el: Element, top: Document): Box {
  const rect = el.getBoundingClientRect();
  let left = rect.left;
  let topPx = rect.top;
  let doc = el.ownerDocument;
  while (doc !== top) {
    const frame = doc.defaultView?.frameElement;
    if (!frame) break;
    const frameRect = frame.getBoundingClientRect();
    left += frameRect.left + frame.clientLeft;
    topPx += frameRect.top + frame.clientTop;
    doc = frame.ownerDocument;
  }
  return { left, top: topPx, width: rect.width, height: rect.height };
}

/** The nearest element at or above `el` that scrolls on its own, or null when the page does. */
export function scrollableAncestor(el: Element): Element | null {
  let node: Node | null = el;
  while (node && node.nodeType === Node.ELEMENT_NODE) {
    const candidate = node as Element;
    if (candidate === candidate.ownerDocument.body) return null;
    const style = candidate.ownerDocument.defaultView?.getComputedStyle(candidate);
    const scrolls = (value: string | undefined) => value === 'auto' || value === 'scroll' || value === 'overlay';
    if (style && ((scrolls(style.overflowY) && candidate.scrollHeight > candidate.clientHeight)
      || (scrolls(style.overflowX) && candidate.scrollWidth > candidate.clientWidth))) {
      return candidate;
    }
    node = composedParent(candidate);
  }
  return null;
}

/** How the replica is drawn: fitted to the width the console has, or at a fixed zoom (1 = the customer's CSS pixels). */
export type ReplicaZoom = 'fit' | number;

// The zoom steps the agent moves through with the buttons and the + and - keys.
export const ZOOM_STEPS: readonly number[] = [0.5, 0.67, 0.75, 0.9, 1, 1.25, 1.5, 1.75, 2];

/**
 * The replica's scale. "Fit" fills the width the console has and lets the page scroll down inside
 * the console: fitting the height too drew a 1280×800 page at 42 % in an embedded console, too
 * small to read. Never enlarged when fitting: a phone-sized page at 1:1 reads better than blurred.
 */
export function replicaScale(zoom: ReplicaZoom, page: { width: number }, available: { width: number }): number {
  if (zoom !== 'fit') return zoom;
  if (!(page.width > 0) || !(available.width > 0)) return 1;
  return Math.min(1, available.width / page.width);
}

/** The next zoom step from the scale shown now, larger (+1) or smaller (-1); stays at the ends. */
export function stepZoom(scale: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((step) => step > scale + 0.005) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1]!;
  return [...ZOOM_STEPS].reverse().find((step) => step < scale - 0.005) ?? ZOOM_STEPS[0]!;
}

/**
 * A point on the agent's screen (clientX/Y) as a point of the customer's page: `frame` is where the
 * replica is drawn on the agent's screen (already moved by any scrolling of the console), `scale`
 * the zoom it is drawn at, `scroll` how far the customer's page is scrolled.
 */
export function pagePoint(
  client: { x: number; y: number },
  frame: { left: number; top: number },
  scale: number,
  scroll: { x: number; y: number } = { x: 0, y: 0 },
): { x: number; y: number } {
  return { x: (client.x - frame.left) / scale + scroll.x, y: (client.y - frame.top) / scale + scroll.y };
}
