// A checksum of a page's element tree as the page stream names it (rrweb node ids), computed the
// same way on the customer's page and on the agent's replica: equal trees give equal sums. Ids in
// document order with each one's parent id say the tree's shape; tag names are left out (the
// replica renames a <script> to <noscript>) and so are text nodes (masking rewrites them). Typed
// structurally so that it needs no DOM library: the server never runs it.

/** The custom event in the page stream that carries the page's sum. */
export const DRIFT_CHECK_EVENT = 'tandem/checksum';

/**
 * Tandem's own UI host on the customer's page is left out with everything in it: the replica
 * draws it as an empty box, and rrweb rebuilds it before <body> when the page has it after.
 */
export const CHECKSUM_SKIPS_TAG = 'tandem-ui';

export interface DriftCheck {
  /** 32-bit FNV-1a over (id, parent id) of every element the stream names, in document order. */
  hash: number;
  /** How many such elements. */
  nodes: number;
}

interface TreeNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly firstChild: TreeNode | null;
  readonly nextSibling: TreeNode | null;
}

const ELEMENT = 1;
const SKIPPED = CHECKSUM_SKIPS_TAG.toUpperCase();
const counted = (node: TreeNode) => node.nodeType === ELEMENT && node.nodeName.toUpperCase() !== SKIPPED;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mix(hash: number, value: number): number {
  let h = hash;
  for (let shift = 0; shift < 32; shift += 8) {
    h ^= (value >>> shift) & 0xff;
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * Walks `root` (a document) depth first, into open shadow roots but not into frames, and sums the
 * elements `idOf` knows (id > 0). Elements it does not know (Tandem's own, or not sent yet) are
 * walked through: their known descendants count under the nearest known ancestor.
 */
export function treeChecksum(root: TreeNode, idOf: (node: never) => number, maxNodes = 1_000_000): DriftCheck {
  let hash = FNV_OFFSET;
  let nodes = 0;
  // [node, id of the nearest known ancestor]; an explicit stack, so deep pages cannot overflow it.
  const stack: [TreeNode, number][] = [];
  const pushChildren = (parent: TreeNode, parentId: number) => {
    const children: TreeNode[] = [];
    for (let c = parent.firstChild; c; c = c.nextSibling) if (counted(c)) children.push(c);
    const shadow = (parent as { shadowRoot?: TreeNode | null }).shadowRoot;
    if (shadow) for (let c = shadow.firstChild; c; c = c.nextSibling) if (counted(c)) children.push(c);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, parentId]);
  };
  pushChildren(root, 0);
  while (stack.length && nodes < maxNodes) {
    const [node, parentId] = stack.pop()!;
    const id = idOf(node as never);
    if (id > 0) {
      hash = mix(mix(hash, id), parentId);
      nodes++;
    }
    pushChildren(node, id > 0 ? id : parentId);
  }
  return { hash, nodes };
}
