import { test } from 'node:test';
import assert from 'node:assert/strict';
import { focusStateOf } from './replica-focus.ts';
import { focusSelector } from './replica-focus-rules.ts';

test('a focus report is read only when it is well formed: the stream comes from a browser we do not control', () => {
  const tag = 'tandem/focus';
  assert.deepEqual(focusStateOf({ tag, payload: { focus: [12, 40], visible: [40] } }), { focus: [12, 40], visible: [40] });
  assert.deepEqual(focusStateOf({ tag, payload: { focus: [], visible: [] } }), { focus: [], visible: [] }, 'nothing has focus');
  assert.equal(focusStateOf({ tag: 'tandem/top-layer', payload: { focus: [], visible: [] } }), null, 'another custom event');
  assert.equal(focusStateOf({ tag, payload: { focus: ['12'], visible: [] } }), null, 'ids are numbers');
  assert.equal(focusStateOf({ tag, payload: { focus: [0], visible: [] } }), null, 'ids are positive');
  assert.equal(focusStateOf({ tag, payload: { focus: [3], visible: [4] } }), null, 'only a focused element can be focus-visible');
  assert.equal(focusStateOf({ tag, payload: { focus: [3] } }), null);
  assert.equal(focusStateOf({ tag, payload: { focus: Array.from({ length: 33 }, (_, i) => i + 1), visible: [] } }), null, 'bounded');
  assert.equal(focusStateOf({ tag, payload: null }), null);
  assert.equal(focusStateOf(undefined), null);
});

test('focus pseudo-classes in a selector become classes of the same name; other selectors stay as they are', () => {
  assert.equal(focusSelector('input:focus'), 'input.\\:focus');
  assert.equal(focusSelector('button:focus-visible, a:focus'), 'button.\\:focus-visible, a.\\:focus');
  assert.equal(focusSelector('.menu:focus-within .items'), '.menu.\\:focus-within .items');
  assert.equal(focusSelector('.card:not(:focus-within) .tips'), '.card:not(.\\:focus-within) .tips', 'inside :not(), so that it stops matching');
  assert.equal(focusSelector(':host(:focus-within)'), ':host(.\\:focus-within)');
  assert.equal(focusSelector('&:focus'), '&.\\:focus', 'a nested rule');
  assert.equal(focusSelector('a:hover:focus,\na.\\:hover:focus'), 'a:hover.\\:focus,\na.\\:hover.\\:focus', 'next to rrweb\'s own :hover rewrite');
  assert.equal(focusSelector('input.\\:focus'), 'input.\\:focus', 'rewritten once only');
  assert.equal(focusSelector('.x:focus-ring, .y:focused'), '.x:focus-ring, .y:focused', 'longer names are other pseudo-classes');
  assert.equal(focusSelector('p:hover'), 'p:hover');
});
