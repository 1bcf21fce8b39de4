// Shows the customer's "mixed" checkboxes (`indeterminate`: a "select all" box when only some
// rows are ticked) as mixed in the replica, as the capture names them by rrweb id. The property
// has no attribute, so rrweb's rebuild and its input events never carry it.
import { MIXED_BOXES_EVENT, type MixedBoxes } from '@tandem/protocol/wire';

interface NodeMirror {
  getNode(id: number): Node | null;
}

// The capture sends at most 256; anything longer did not come from it.
const MAX_IDS = 256;
const RETRY_MS = 100;
const MAX_RETRIES = 50;

type Box = HTMLInputElement;

// By node type and name, not instanceof: the replica's nodes belong to the frame's realm.
function isBox(node: Node | null): node is Box {
  return node !== null && node.nodeType === 1 && node.nodeName === 'INPUT' && (node as Box).type === 'checkbox';
}

/** The report in a custom event, checked: the stream comes from a browser we do not control. */
export function mixedBoxesOf(data: { tag?: unknown; payload?: unknown } | undefined): MixedBoxes | null {
  if (data?.tag !== MIXED_BOXES_EVENT) return null;
  const ids = (data.payload as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || ids.length > MAX_IDS) return null;
  if (!ids.every((v) => Number.isSafeInteger(v) && (v as number) > 0)) return null;
  return { ids: ids as number[] };
}

/** One replica's mixed boxes; forgotten with each rebuild (a snapshot starts with none). */
export class ReplicaMixedBoxes {
  private shown = new Set<Box>();
  /** The last report, kept while some of its boxes were not built yet. */
  private unresolved: MixedBoxes | null = null;

  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;

  constructor(private readonly mirror: NodeMirror) {}

  apply(state: MixedBoxes): void {
    const wanted = new Set<Box>();
    let missing = false;
    for (const id of state.ids) {
      const node = this.mirror.getNode(id);
      missing ||= node === null;
      if (isBox(node)) wanted.add(node);
    }
    this.unresolved = missing ? state : null;
    // A same-origin frame's document may be built after the report with no event of its own to
    // retry on (a rebuilt replica's frames): look again a few times, bounded.
    if (missing) this.retrySoon();
    else this.retries = 0;
    for (const box of this.shown) if (!wanted.has(box)) box.indeterminate = false;
    for (const box of wanted) box.indeterminate = true;
    this.shown = wanted;
  }

  /** Tries a report again whose boxes were not built yet; cheap when there is none. */
  retry(): void {
    if (this.unresolved) this.apply(this.unresolved);
  }

  /** The replica was rebuilt from a snapshot: its ids are new, and the capture reports afresh. */
  rebuilt(): void {
    this.shown = new Set();
    this.unresolved = null;
    this.retries = 0;
  }

  private retrySoon(): void {
    if (this.retryTimer !== undefined || this.retries >= MAX_RETRIES) return;
    this.retries++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retry();
    }, RETRY_MS);
  }
}
