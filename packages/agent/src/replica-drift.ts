// Compares the page's tree checksum (sent in the stream now and then) with the replica's own,
// computed the same way at the same point of the stream. A difference means the replica went
// wrong without a sequence gap; the console then asks the page for a fresh snapshot. If fresh
// snapshots do not make the sums agree (a page whose tree the two sides cannot see alike), it
// stops asking after a few tries rather than costing the customer a snapshot every few seconds.
import { DRIFT_CHECK_EVENT, treeChecksum, type DriftCheck } from '@tandem/protocol/wire';

interface NodeMirror {
  getId(node: Node): number;
}

/** Fresh snapshots asked for in a row without the sums agreeing before giving up until they do. */
const MAX_UNHEALED = 3;

export function driftCheckOf(data: { tag?: unknown; payload?: unknown } | undefined): DriftCheck | null {
  if (data?.tag !== DRIFT_CHECK_EVENT) return null;
  const p = data.payload as { hash?: unknown; nodes?: unknown } | null;
  if (!p || !Number.isInteger(p.hash) || !Number.isInteger(p.nodes)) return null;
  const hash = p.hash as number;
  const nodes = p.nodes as number;
  if (hash < 0 || hash > 0xffffffff || nodes < 0) return null;
  return { hash, nodes };
}

export class DriftWatch {
  private unhealed = 0;
  /** Checks that found the replica wrong, since the console opened (for tests and diagnostics). */
  mismatches = 0;

  /** True when the replica differs from the page and a fresh snapshot should be asked for. */
  check(data: { tag?: unknown; payload?: unknown } | undefined, doc: Document, mirror: NodeMirror): boolean {
    const page = driftCheckOf(data);
    if (!page) return false;
    const replica = treeChecksum(doc, ((node: Node) => mirror.getId(node)) as (node: never) => number);
    if (replica.hash === page.hash && replica.nodes === page.nodes) {
      this.unhealed = 0;
      return false;
    }
    this.mismatches++;
    if (this.unhealed >= MAX_UNHEALED) return false;
    this.unhealed++;
    return true;
  }
}
