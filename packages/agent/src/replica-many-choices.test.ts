import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyManyChoices, manyChoicesOf } from './replica-many-choices.ts';

test('a many-choices report is read only when it is well formed: the stream comes from a browser we do not control', () => {
  const tag = 'tandem/many-choices';
  assert.deepEqual(manyChoicesOf({ tag, payload: { id: 4, chosen: [0, 3] } }), { id: 4, chosen: [0, 3] });
  assert.deepEqual(manyChoicesOf({ tag, payload: { id: 4, chosen: [] } }), { id: 4, chosen: [] });
  assert.equal(manyChoicesOf({ tag: 'tandem/focus', payload: { id: 4, chosen: [] } }), null, 'another custom event');
  assert.equal(manyChoicesOf({ tag, payload: { id: 0, chosen: [] } }), null, 'ids are positive');
  assert.equal(manyChoicesOf({ tag, payload: { id: 4, chosen: [-1] } }), null, 'indexes are not negative');
  assert.equal(manyChoicesOf({ tag, payload: { id: 4, chosen: ['1'] } }), null);
  assert.equal(manyChoicesOf({ tag, payload: { id: 4, chosen: Array.from({ length: 1001 }, (_, i) => i) } }), null, 'bounded');
  assert.equal(manyChoicesOf({ tag, payload: null }), null);
  assert.equal(manyChoicesOf(undefined), null);
});

test('the replica\'s multiple select has exactly the reported options chosen; any other node is left alone', () => {
  // Shaped as the replica's nodes are read: by node name (they belong to another realm).
  const options = [{ selected: true }, { selected: false }, { selected: false }];
  const select = { nodeName: 'SELECT', multiple: true, options };
  const single = { nodeName: 'SELECT', multiple: false, options: [{ selected: true }, { selected: false }] };
  const nodes = new Map<number, object>([[1, select], [2, single]]);
  const mirror = { getNode: (id: number) => (nodes.get(id) as Node | undefined) ?? null };
  applyManyChoices(mirror, { id: 1, chosen: [1, 2, 9] });
  assert.deepEqual(options.map((o) => o.selected), [false, true, true]);
  applyManyChoices(mirror, { id: 2, chosen: [1] });
  assert.deepEqual(single.options.map((o) => o.selected), [true, false], 'a single select is rrweb\'s to set');
  applyManyChoices(mirror, { id: 3, chosen: [0] });
});
