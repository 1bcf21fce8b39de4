// A form put back to its defaults announces each of its fields, after the reset, through the
// prototypes' setters (rrweb's hooks while capture runs; spies here), in happy-dom. That the
// agent's replica follows is covered in Chromium by e2e/replica-exactness.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from '../../test/dom-page.ts';
import { followFormResets } from './form-resets.ts';

test('a reset form\'s fields are announced as they are after the reset; a cancelled reset and a stopped follower announce nothing', async () => {
  const page = openPage(`<form id="f"><input id="town" value="London"><input id="sig" type="checkbox" checked>
    <select id="courier"><option>Royal Mail</option><option>DPD</option></select><button type="reset">Reset</button></form>`);
  const win = page.window as unknown as Window & typeof globalThis;
  const announced: string[] = [];
  const spies: [object, string, PropertyDescriptor][] = [];
  for (const [proto, name] of [[win.HTMLInputElement.prototype, 'value'], [win.HTMLInputElement.prototype, 'checked'],
    [win.HTMLSelectElement.prototype, 'selectedIndex']] as const) {
    const platform = Object.getOwnPropertyDescriptor(proto, name)!;
    spies.push([proto, name, platform]);
    Object.defineProperty(proto, name, {
      ...platform,
      set(this: HTMLElement, v: unknown) {
        platform.set!.call(this, v);
        announced.push(`${this.id}.${name}=${String(v)}`);
      },
    });
  }
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  try {
    const stop = followFormResets(win);
    const form = page.document.getElementById('f') as HTMLFormElement;
    const town = page.document.getElementById('town') as HTMLInputElement;
    const sig = page.document.getElementById('sig') as HTMLInputElement;
    town.value = 'Leeds';
    sig.checked = false;
    announced.length = 0;
    form.reset();
    assert.deepEqual(announced, [], 'nothing before the fields have changed');
    await tick();
    assert.deepEqual(announced, ['town.value=London', 'sig.checked=true', 'courier.selectedIndex=0']);
    announced.length = 0;
    const cancel = (e: Event) => e.preventDefault();
    form.addEventListener('reset', cancel);
    town.value = 'York';
    announced.length = 0;
    form.reset();
    await tick();
    assert.deepEqual(announced, [], 'a cancelled reset changed nothing');
    form.removeEventListener('reset', cancel);
    stop();
    form.reset();
    await tick();
    assert.deepEqual(announced, [], 'nothing once stopped');
  } finally {
    for (const [proto, name, platform] of spies) Object.defineProperty(proto, name, platform);
    await page.close();
  }
});

test('a form in a shadow root reset from code is announced too; stopping puts the platform\'s reset back', async () => {
  const page = openPage('<div id="host"></div>');
  const win = page.window as unknown as Window & typeof globalThis;
  const root = page.document.getElementById('host')!.attachShadow({ mode: 'open' });
  root.innerHTML = '<form><input id="phone" value="0161 496 0000"></form>';
  const form = root.querySelector('form')!;
  const phone = root.getElementById('phone') as HTMLInputElement;
  const platformValue = Object.getOwnPropertyDescriptor(win.HTMLInputElement.prototype, 'value')!;
  const platformReset = Object.getOwnPropertyDescriptor(win.HTMLFormElement.prototype, 'reset')!;
  const announced: string[] = [];
  Object.defineProperty(win.HTMLInputElement.prototype, 'value', {
    ...platformValue,
    set(this: HTMLInputElement, v: string) {
      platformValue.set!.call(this, v);
      announced.push(`${this.id}=${v}`);
    },
  });
  try {
    const stop = followFormResets(win);
    phone.value = '0113 496 0123';
    announced.length = 0;
    form.reset();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(announced, ['phone=0161 496 0000'], 'its reset event never reached the document; its reset() did');
    stop();
    assert.deepEqual(Object.getOwnPropertyDescriptor(win.HTMLFormElement.prototype, 'reset'), platformReset);
  } finally {
    Object.defineProperty(win.HTMLInputElement.prototype, 'value', platformValue);
    await page.close();
  }
});
