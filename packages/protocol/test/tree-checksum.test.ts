import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeChecksum } from '../src/wire/tree-checksum.ts';

interface FakeNode {
  nodeType: number;
  nodeName: string;
  firstChild: FakeNode | null;
  nextSibling: FakeNode | null;
  shadowRoot?: FakeNode | null;
  id: number;
}

/** A tree from nested arrays: [id, ...children]; id 0 is an element the stream does not name; -1 a text node. */
type Spec = [number, ...Spec[]];
function build(spec: Spec): FakeNode {
  const [id, ...children] = spec;
  const node: FakeNode = { nodeType: id === -1 ? 3 : 1, nodeName: id === 77 ? 'tandem-ui' : 'div', firstChild: null, nextSibling: null, id };
  let prev: FakeNode | null = null;
  for (const c of children) {
    const child = build(c);
    if (prev) prev.nextSibling = child;
    else node.firstChild = child;
    prev = child;
  }
  return node;
}
const sum = (spec: Spec) => treeChecksum(build([9999, spec]), ((n: FakeNode) => n.id) as (node: never) => number);

test('equal trees give equal sums; a moved, missing or reordered element changes the sum', () => {
  const page: Spec = [1, [2, [3], [4]], [5, [6]]];
  assert.deepEqual(sum(page), sum([1, [2, [3], [4]], [5, [6]]]));
  assert.equal(sum(page).nodes, 6);
  assert.notEqual(sum(page).hash, sum([1, [2, [3]], [5, [6]]]).hash, 'missing');
  assert.notEqual(sum(page).hash, sum([1, [2, [4], [3]], [5, [6]]]).hash, 'reordered');
  assert.notEqual(sum(page).hash, sum([1, [2, [3], [4], [6]], [5]]).hash, 'moved to another parent');
});

test('text nodes and elements the stream does not name do not count; their named descendants count under the nearest named ancestor', () => {
  assert.deepEqual(sum([1, [2, [-1]], [3]]), sum([1, [2], [3]]));
  assert.deepEqual(sum([1, [0, [2]], [3]]), sum([1, [2], [3]]));
});

test("Tandem's own UI host (id 77 here) is left out with its subtree, wherever it sits", () => {
  assert.deepEqual(sum([1, [77, [5]], [2]]), sum([1, [2]]));
  assert.deepEqual(sum([1, [2], [77]]), sum([1, [77], [2]]));
});

test('open shadow roots are walked', () => {
  const host = build([1, [2]]);
  host.firstChild!.shadowRoot = build([0, [7]]);
  const withShadow =
    treeChecksum({ nodeType: 9, nodeName: '#document', firstChild: host, nextSibling: null } as never, ((n: FakeNode) => n.id) as (node: never) => number);
  assert.equal(withShadow.nodes, 3);
});
