// Where the customer's page has focus, the replica's rewritten focus rules (replica-focus-rules.ts)
// apply: the elements the capture reports as matching :focus and :focus-visible get classes of
// those names, and each of them and every element it sits in (through shadow roots, not out of a
// frame: the browser's own :focus-within stops at the frame) gets `:focus-within`. Real focus is
// never moved into the replica: it would take the agent's keyboard.
import { FOCUS_EVENT, type FocusState } from '@tandem/protocol/wire';
import { composedParent } from './replica-geometry.ts';

interface NodeMirror {
  getNode(id: number): Node | null;
}

const FOCUS = ':focus';
const VISIBLE = ':focus-visible';
const WITHIN = ':focus-within';
// Shadow roots and frames nested in each other; the capture sends one id per level.
const MAX_CHAIN = 32;

/** The report in a custom event, checked: the stream comes from a browser we do not control. */
export function focusStateOf(data: { tag?: unknown; payload?: unknown } | undefined): FocusState | null {
  if (data?.tag !== FOCUS_EVENT) return null;
  const p = data.payload as { focus?: unknown; visible?: unknown } | null;
  const isIds = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length <= MAX_CHAIN && v.every((id) => Number.isSafeInteger(id) && (id as number) > 0);
  if (!p || !isIds(p.focus) || !isIds(p.visible)) return null;
  const focus = p.focus;
  if (!p.visible.every((id) => focus.includes(id))) return null;
  return { focus, visible: p.visible };
}

function isElement(node: Node | null): node is Element {
  return node !== null && node.nodeType === 1;
}

/** Puts `cls` on exactly `next`, taking it off the elements of `prev` that are not in it. */
function mark(prev: readonly Element[], next: readonly Element[], cls: string): void {
  const keep = new Set(next);
  for (const el of prev) if (!keep.has(el)) el.classList.remove(cls);
  for (const el of next) if (!el.classList.contains(cls)) el.classList.add(cls);
}

/** One replica's focus; made again with each replica (a snapshot starts with nothing focused). */
export class ReplicaFocus {
  private state: FocusState = { focus: [], visible: [] };
  private focused: Element[] = [];
  private visible: Element[] = [];
  private within: Element[] = [];

  constructor(private readonly mirror: NodeMirror) {}

  apply(state: FocusState): void {
    this.state = state;
    const resolve = (ids: number[]) => ids.map((id) => this.mirror.getNode(id)).filter(isElement);
    const focused = resolve(state.focus);
    const visible = resolve(state.visible);
    const within = new Set<Element>();
    for (const el of focused) {
      // Bounded by the tree's depth: composedParent ends at the document.
      for (let node: Node | null = el; node; node = composedParent(node)) if (isElement(node)) within.add(node);
    }
    mark(this.focused, focused, FOCUS);
    mark(this.visible, visible, VISIBLE);
    const withinList = [...within];
    mark(this.within, withinList, WITHIN);
    this.focused = focused;
    this.visible = visible;
    this.within = withinList;
  }

  /**
   * After rrweb applied a change: a reported element that arrived since gets its classes, one
   * whose class attribute the page rewrote (rrweb copies it whole) gets them back, and one that
   * moved has :focus-within on its new ancestors. A handful of elements: cheap on every change.
   */
  refresh(): void {
    if (this.state.focus.length > 0 || this.focused.length > 0) this.apply(this.state);
  }
}
