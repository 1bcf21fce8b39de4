// An option chosen from code is announced as its select's choice, through the select's
// selectedIndex setter (rrweb's hook while capture runs; a spy here), in happy-dom. That the
// agent's replica follows is covered in Chromium by e2e/replica-exactness.e2e.test.ts (Svelte).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from '../../test/dom-page.ts';
import { followOptionChoices } from './option-choices.ts';

test('an option chosen from code announces its select; a multiple select is left alone; stopping puts the setter back', async () => {
  const page = openPage(`
    <select id="single"><option>Standard</option><optgroup label="Fast"><option>Express</option></optgroup></select>
    <select id="multi" multiple><option selected>A</option><option>B</option></select>`);
  const win = page.window as unknown as Window & typeof globalThis;
  const selectProto = win.HTMLSelectElement.prototype;
  const platform = Object.getOwnPropertyDescriptor(selectProto, 'selectedIndex')!;
  const announced: [string, number][] = [];
  // What rrweb does while capture runs: a hook on the prototype's setter.
  Object.defineProperty(selectProto, 'selectedIndex', {
    ...platform,
    set(this: HTMLSelectElement, value: number) {
      platform.set!.call(this, value);
      announced.push([this.id, value]);
    },
  });
  try {
    const stop = followOptionChoices(win);
    const single = page.document.getElementById('single') as HTMLSelectElement;
    const multi = page.document.getElementById('multi') as HTMLSelectElement;
    single.options[1]!.selected = true;
    assert.equal(single.selectedIndex, 1, 'the page\'s write stands');
    multi.options[1]!.selected = true;
    assert.deepEqual([...multi.selectedOptions].map((o) => o.text), ['A', 'B'], 'the other chosen option stays chosen');
    assert.deepEqual(announced, [['single', 1]]);
    stop();
    single.options[0]!.selected = true;
    assert.equal(single.selectedIndex, 0);
    assert.deepEqual(announced, [['single', 1]], 'nothing announced after stopping');
  } finally {
    Object.defineProperty(selectProto, 'selectedIndex', platform);
    await page.close();
  }
});
