import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canvasFrameOf } from './replica-canvas.ts';

test('a canvas picture is read only when it is a data: URL of an image with a sane size: the stream is untrusted', () => {
  const tag = 'tandem/canvas';
  const src = 'data:image/webp;base64,UklGRg==';
  assert.deepEqual(canvasFrameOf({ tag, payload: { id: 3, src, width: 200, height: 100 } }), { id: 3, src, width: 200, height: 100 });
  assert.equal(canvasFrameOf({ tag, payload: { id: 3, src: 'data:image/svg+xml;base64,PHN2Zz4=', width: 1, height: 1 } }), null, 'no SVG (it can fetch)');
  assert.equal(canvasFrameOf({ tag, payload: { id: 3, src: 'https://evil.example/x.png', width: 1, height: 1 } }), null, 'no URL the agent would fetch');
  assert.equal(canvasFrameOf({ tag, payload: { id: 3, src: 'data:image/png;base64,AAAA") , url("https://evil.example/', width: 1, height: 1 } }), null,
    'nothing that breaks out of url()');
  assert.equal(canvasFrameOf({ tag, payload: { id: 0, src, width: 1, height: 1 } }), null);
  assert.equal(canvasFrameOf({ tag, payload: { id: 3, src, width: -1, height: 1 } }), null);
  assert.equal(canvasFrameOf({ tag, payload: { id: 3, src, width: 1, height: Number.POSITIVE_INFINITY } }), null);
  assert.equal(canvasFrameOf({ tag, payload: { id: 3, src: `data:image/png;base64,${'A'.repeat(600 * 1024)}`, width: 1, height: 1 } }), null, 'bounded');
  assert.equal(canvasFrameOf({ tag: 'tandem/top-layer', payload: { id: 3, src, width: 1, height: 1 } }), null);
});
