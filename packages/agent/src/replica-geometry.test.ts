// The replica's zoom and the mapping of the agent's pointer back to the customer's page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagePoint, replicaScale, stepZoom, ZOOM_STEPS } from './replica-geometry.ts';

test('fit fills the console\'s width, however tall the page, and never enlarges', () => {
  // The reported case: 1280×800 in an embedded console about 540 px wide and 340 px tall.
  assert.equal(replicaScale('fit', { width: 1280 }, { width: 544 }), 544 / 1280);
  assert.equal(replicaScale('fit', { width: 1280 }, { width: 1040 }), 1040 / 1280);
  assert.equal(replicaScale('fit', { width: 390 }, { width: 1040 }), 1);
  assert.equal(replicaScale('fit', { width: 0 }, { width: 1040 }), 1);
});

test('a chosen zoom is used as it is, larger or smaller than fitting', () => {
  assert.equal(replicaScale(2, { width: 1280 }, { width: 544 }), 2);
  assert.equal(replicaScale(0.5, { width: 390 }, { width: 1040 }), 0.5);
});

test('zoom steps go from 50 % to 200 % and stop at the ends', () => {
  assert.equal(ZOOM_STEPS[0], 0.5);
  assert.equal(ZOOM_STEPS[ZOOM_STEPS.length - 1], 2);
  assert.equal(stepZoom(0.425, 1), 0.5);
  assert.equal(stepZoom(0.425, -1), 0.5);
  assert.equal(stepZoom(1, 1), 1.25);
  assert.equal(stepZoom(1, -1), 0.9);
  assert.equal(stepZoom(0.8125, 1), 0.9);
  assert.equal(stepZoom(0.8125, -1), 0.75);
  assert.equal(stepZoom(2, 1), 2);
  assert.equal(stepZoom(0.5, -1), 0.5);
});

test('a point on the agent\'s screen maps to the same page point at every zoom and console scroll', () => {
  const page = { x: 612, y: 431 };
  const scroll = { x: 0, y: 250 };
  for (const scale of [...ZOOM_STEPS, 544 / 1280]) {
    // The replica's frame may start above or left of the console's view when the console is scrolled.
    for (const frame of [{ left: 376, top: 120 }, { left: -310, top: -95.5 }]) {
      const client = { x: frame.left + (page.x - scroll.x) * scale, y: frame.top + (page.y - scroll.y) * scale };
      const back = pagePoint(client, frame, scale, scroll);
      assert.ok(Math.abs(back.x - page.x) < 1e-9 && Math.abs(back.y - page.y) < 1e-9, `${scale} ${JSON.stringify({ frame, back })}`);
    }
  }
});
