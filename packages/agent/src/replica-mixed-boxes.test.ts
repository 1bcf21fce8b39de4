import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicaMixedBoxes, mixedBoxesOf } from './replica-mixed-boxes.ts';

test('a mixed-boxes report is read only when it is well formed: the stream comes from a browser we do not control', () => {
  const tag = 'tandem/mixed-boxes';
  assert.deepEqual(mixedBoxesOf({ tag, payload: { ids: [3, 9] } }), { ids: [3, 9] });
  assert.deepEqual(mixedBoxesOf({ tag, payload: { ids: [] } }), { ids: [] });
  assert.equal(mixedBoxesOf({ tag: 'tandem/focus', payload: { ids: [3] } }), null, 'another custom event');
  assert.equal(mixedBoxesOf({ tag, payload: { ids: ['3'] } }), null, 'ids are numbers');
  assert.equal(mixedBoxesOf({ tag, payload: { ids: [0] } }), null, 'ids are positive');
  assert.equal(mixedBoxesOf({ tag, payload: { ids: [1.5] } }), null);
  assert.equal(mixedBoxesOf({ tag, payload: { ids: Array.from({ length: 257 }, (_, i) => i + 1) } }), null, 'bounded');
  assert.equal(mixedBoxesOf({ tag, payload: null }), null);
  assert.equal(mixedBoxesOf(undefined), null);
});

test('the replica\'s boxes are mixed as reported: a box no longer named is cleared, one not built yet is set when it is', () => {
  // Shaped as the replica's nodes are read: by node type and name (they belong to another realm).
  const box = () => ({ nodeType: 1, nodeName: 'INPUT', type: 'checkbox', indeterminate: false });
  const a = box();
  const b = box();
  const c = box();
  const paragraph = { nodeType: 1, nodeName: 'P', type: undefined, indeterminate: false };
  const nodes = new Map<number, object>([[1, a], [2, b], [5, paragraph]]);
  const boxes = new ReplicaMixedBoxes({ getNode: (id) => (nodes.get(id) as Node | undefined) ?? null });
  const mixed = () => [a, b, c, paragraph].map((n) => n.indeterminate);
  boxes.apply({ ids: [1, 5] });
  assert.deepEqual(mixed(), [true, false, false, false], 'a paragraph is no box');
  boxes.apply({ ids: [2, 7] });
  assert.deepEqual(mixed(), [false, true, false, false]);
  nodes.set(7, c);
  boxes.retry();
  assert.deepEqual(mixed(), [false, true, true, false], 'built after the report');
  boxes.rebuilt();
  boxes.apply({ ids: [] });
  assert.deepEqual(mixed(), [false, true, true, false], 'after a rebuild the old nodes are not the replica\'s: left alone');
});
