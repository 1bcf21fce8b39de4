import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topLayerState } from './replica-top-layer.ts';

test('a top-layer report is read only when it is well formed: the stream comes from a browser we do not control', () => {
  const tag = 'tandem/top-layer';
  assert.deepEqual(topLayerState({ tag, payload: { popovers: [4, 9], modals: [12], fullscreen: 30 } }), { popovers: [4, 9], modals: [12], fullscreen: 30 });
  assert.deepEqual(topLayerState({ tag, payload: { popovers: [], fullscreen: null } }), { popovers: [], modals: [], fullscreen: null },
    'an older capture without modals');
  assert.equal(topLayerState({ tag: 'other', payload: { popovers: [], modals: [], fullscreen: null } }), null, 'another custom event');
  assert.equal(topLayerState({ tag, payload: { popovers: ['4'], modals: [], fullscreen: null } }), null, 'ids are numbers');
  assert.equal(topLayerState({ tag, payload: { popovers: [0], modals: [], fullscreen: null } }), null, 'ids are positive');
  assert.equal(topLayerState({ tag, payload: { popovers: [], modals: [], fullscreen: 1.5 } }), null);
  assert.equal(topLayerState({ tag, payload: { popovers: Array.from({ length: 65 }, (_, i) => i + 1), modals: [], fullscreen: null } }), null, 'bounded');
  assert.equal(topLayerState({ tag, payload: null }), null);
  assert.equal(topLayerState(undefined), null);
});
