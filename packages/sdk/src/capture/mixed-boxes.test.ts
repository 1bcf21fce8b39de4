// Which checkboxes are mixed (indeterminate) is reported by id after each snapshot and on each
// change, in happy-dom; that the agent's replica shows it is covered in Chromium by
// e2e/replica-exactness.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MixedBoxes } from '@tandem/protocol/wire';
import { openPage } from '../../test/dom-page.ts';
import { watchMixedBoxes } from './mixed-boxes.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

test('mixed boxes are named after a snapshot and as code or a click changes them; never in a masked region; stop puts the setter back', async () => {
  const page = openPage(`<input id="all" type="checkbox"><input id="row" type="checkbox">
    <div data-tandem-mask><input id="secret" type="checkbox"></div><div id="host"></div>`);
  const win = page.window as unknown as Window & typeof globalThis;
  const doc = page.document;
  const get = (id: string) => doc.getElementById(id) as HTMLInputElement;
  const host = doc.getElementById('host')!;
  const inner = doc.createElement('input');
  inner.type = 'checkbox';
  host.attachShadow({ mode: 'open' }).append(inner);
  // Mixed before capture started, one of them inside a shadow root.
  get('all').indeterminate = true;
  get('secret').indeterminate = true;
  inner.indeterminate = true;
  const ids = new Map<Node, number>([[get('all'), 1], [get('row'), 2], [get('secret'), 3], [inner, 4]]);
  const platform = Object.getOwnPropertyDescriptor(win.HTMLInputElement.prototype, 'indeterminate');
  const reports: MixedBoxes[] = [];
  const watch = watchMixedBoxes(doc, (node) => ids.get(node) ?? -1, (state) => reports.push(state));
  const unfollow = watch.follow(win);
  try {
    watch.afterSnapshot();
    assert.deepEqual(reports, [{ ids: [1, 4] }], 'the page\'s box and the shadow root\'s; not the masked one');
    reports.length = 0;
    get('row').indeterminate = true;
    get('row').indeterminate = false;
    get('row').indeterminate = true;
    assert.deepEqual(reports, [], 'after the task, once');
    await tick();
    assert.deepEqual(reports, [{ ids: [1, 2, 4] }]);
    get('all').indeterminate = true;
    await tick();
    assert.equal(reports.length, 1, 'nothing changed, nothing sent');
    get('all').click();
    await tick();
    assert.deepEqual(reports.at(-1), { ids: [2, 4] }, 'a click clears the dash without the setter');
    watch.afterSnapshot();
    assert.deepEqual(reports.at(-1), { ids: [2, 4] }, 'a new snapshot is told again');
  } finally {
    unfollow();
    watch.stop();
  }
  assert.deepEqual(Object.getOwnPropertyDescriptor(win.HTMLInputElement.prototype, 'indeterminate'), platform);
  const count = reports.length;
  get('row').indeterminate = false;
  await tick();
  assert.equal(reports.length, count, 'nothing once stopped');
  await page.close();
});
