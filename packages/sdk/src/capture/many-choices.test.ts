// A multiple select's choices are reported by option index after the customer's change or the
// page's, where its choice may be shown; in happy-dom. That the agent's replica follows is covered
// in Chromium by e2e/replica-exactness.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManyChoices } from '@tandem/protocol/wire';
import { openPage } from '../../test/dom-page.ts';
import { watchManyChoices } from './many-choices.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

test('a multiple select\'s choices are reported once per task, only when they changed, never for a masked select; nothing once stopped', async () => {
  const page = openPage(`<select id="days" multiple data-tandem-unmask><option>Mon</option><option>Tue</option><option>Wed</option></select>
    <select id="sizes" multiple><option>S</option><option>M</option></select><select id="one" data-tandem-unmask><option>A</option></select>`);
  const doc = page.document;
  const ids = new Map<Node, number>([[doc.getElementById('days')!, 7], [doc.getElementById('sizes')!, 8], [doc.getElementById('one')!, 9]]);
  const reports: ManyChoices[] = [];
  const watch = watchManyChoices((node) => ids.get(node) ?? -1, (c) => reports.push(c));
  const unfollow = watch.follow(doc);
  const days = doc.getElementById('days') as HTMLSelectElement;
  const sizes = doc.getElementById('sizes') as HTMLSelectElement;
  try {
    days.options[0]!.selected = true;
    days.options[2]!.selected = true;
    watch.changed(days);
    watch.changed(days);
    assert.deepEqual(reports, [], 'after the task');
    await tick();
    assert.deepEqual(reports, [{ id: 7, chosen: [0, 2] }]);
    watch.changed(days);
    await tick();
    assert.equal(reports.length, 1, 'the same choices are not sent again');
    days.options[0]!.selected = false;
    days.dispatchEvent(new page.window.Event('change', { bubbles: true }) as unknown as Event);
    await tick();
    assert.deepEqual(reports.at(-1), { id: 7, chosen: [2] }, 'the customer\'s change, heard as its event');
    sizes.options[1]!.selected = true;
    watch.changed(sizes);
    watch.changed(doc.getElementById('one')!);
    await tick();
    assert.equal(reports.length, 2, 'a masked select and a single one are not reported');
  } finally {
    unfollow();
    watch.stop();
  }
  days.options[1]!.selected = true;
  watch.changed(days);
  days.dispatchEvent(new page.window.Event('change', { bubbles: true }) as unknown as Event);
  await tick();
  assert.equal(reports.length, 2, 'nothing once stopped');
  await page.close();
});
