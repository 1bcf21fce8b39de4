// The mask policy's promises (README "Masking"), one rule at a time, on pages in happy-dom.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, type TestPage } from '../../test/dom-page.ts';
import {
  isInBlockedRegion, isValueTextTag, maskInputValue, maskText, maskValue, mayShowValue, RegionCache, stopWatchingTyping, valueOwnerAbove, watchTyping,
} from './mask-policy.ts';

const pages: TestPage[] = [];
after(async () => {
  stopWatchingTyping();
  for (const p of pages) await p.close();
});

function page(html: string): TestPage {
  const p = openPage(html);
  pages.push(p);
  return p;
}

const byId = (p: TestPage, id: string) => {
  const el = p.document.getElementById(id);
  assert.ok(el, `#${id} is on the page`);
  return el;
};

test('masking keeps the length of a value and the whitespace of a text, and nothing else', () => {
  assert.equal(maskValue('4111 1111'), '*********');
  assert.equal(maskText('Jo Bloggs\n12 High St'), '** ******\n** **** **');
});

test('every value is masked unless its field is opted in with data-tandem-unmask (on it or an ancestor)', () => {
  const p = page(`
    <input id="plain" value="jo@example.test">
    <input id="own" data-tandem-unmask value="Bristol">
    <form data-tandem-unmask><input id="inherited" value="BS1"></form>`);
  assert.equal(maskInputValue('jo@example.test', byId(p, 'plain')), '***************');
  assert.equal(maskInputValue('Bristol', byId(p, 'own')), 'Bristol');
  assert.equal(maskInputValue('BS1', byId(p, 'inherited')), 'BS1');
});

test('an option\'s value is its select\'s: shown only when the select is opted in', () => {
  const p = page(`
    <select id="s1"><option id="o1" value="gold">Gold</option></select>
    <select id="s2" data-tandem-unmask><optgroup label="Plans"><option id="o2" value="gold">Gold</option></optgroup></select>`);
  assert.equal(mayShowValue(byId(p, 'o1')), false);
  assert.equal(mayShowValue(byId(p, 'o2')), true);
});

test('an opted-in field inside a masked region stays masked: data-tandem-mask or contenteditable around it', () => {
  const p = page(`
    <div data-tandem-mask><input id="marked" data-tandem-unmask></div>
    <div contenteditable><input id="editable" data-tandem-unmask></div>
    <div contenteditable="false"><input id="not-editable" data-tandem-unmask></div>`);
  assert.equal(mayShowValue(byId(p, 'marked')), false);
  assert.equal(mayShowValue(byId(p, 'editable')), false);
  assert.equal(mayShowValue(byId(p, 'not-editable')), true, 'contenteditable="false" is no region');
});

test('credentials and payment details are never shown, even opted in', () => {
  const p = page(`
    <form data-tandem-unmask>
      <input id="password" type="password">
      <input id="auto" autocomplete="cc-number">
      <input id="otp" autocomplete="one-time-code">
      <input id="named" name="card_number">
      <input id="placeholder" placeholder="CVC">
      <label for="labelled">Kreditkarte</label><input id="labelled">
      <label>IBAN <input id="wrapped"></label>
      <span id="pin-label">PIN</span><input id="by-aria" aria-labelledby="pin-label">
      <input id="toggled"><button aria-controls="toggled">Show password</button>
      <input id="city" name="city" placeholder="City">
    </form>`);
  for (const id of ['password', 'auto', 'otp', 'named', 'placeholder', 'labelled', 'wrapped', 'by-aria', 'toggled']) {
    assert.equal(mayShowValue(byId(p, id)), false, `#${id} is shown`);
  }
  assert.equal(mayShowValue(byId(p, 'city')), true, 'an opted-in field named as nothing sensitive is shown');
});

test('a field once seen as a password stays one after a show-password toggle made it text', () => {
  const p = page('<input id="pw" type="password" data-tandem-unmask>');
  const field = byId(p, 'pw') as HTMLInputElement;
  assert.equal(maskInputValue('hunter2', field), '*******');
  field.type = 'text';
  assert.equal(maskInputValue('hunter2', field), '*******');
});

test('regions follow the drawn tree into open shadow roots', () => {
  const p = page('<div data-tandem-mask><div id="host"></div></div><div id="open-host"></div>');
  const inside = byId(p, 'host').attachShadow({ mode: 'open' });
  inside.innerHTML = '<input id="deep" data-tandem-unmask><p id="deep-text">x</p>';
  const outside = byId(p, 'open-host').attachShadow({ mode: 'open' });
  outside.innerHTML = '<input id="shown" data-tandem-unmask>';
  assert.equal(mayShowValue(inside.getElementById('deep')!), false);
  assert.equal(new RegionCache().regionOf(inside.getElementById('deep-text')!.firstChild!).masked, true);
  assert.equal(mayShowValue(outside.getElementById('shown')!), true);
});

test('anything the customer was seen typing into becomes a masked region (beforeinput), whatever made it editable', () => {
  const p = page('<div id="widget" data-tandem-unmask><p id="line">draft</p></div>');
  assert.equal(new RegionCache().regionOf(byId(p, 'line')).masked, false);
  watchTyping(p.document);
  const Input = p.window.InputEvent as unknown as typeof InputEvent;
  byId(p, 'widget').dispatchEvent(new Input('beforeinput', { bubbles: true, composed: true }));
  assert.equal(new RegionCache().regionOf(byId(p, 'line')).masked, true);
});

test('data-tandem-block blocks its whole subtree and nothing beside it', () => {
  const p = page('<section data-tandem-block><p id="in"><b id="deeper">x</b></p></section><p id="out">y</p>');
  assert.equal(isInBlockedRegion(byId(p, 'deeper')), true);
  assert.equal(isInBlockedRegion(byId(p, 'in')), true);
  assert.equal(isInBlockedRegion(byId(p, 'out')), false);
});

test('the text of a textarea, an option or an output is a value, and belongs to the element above it', () => {
  const p = page('<output id="total"><b id="inner">42</b></output><p id="copy">page</p>');
  assert.deepEqual(['textarea', 'option', 'output', 'p', 'li'].map(isValueTextTag), [true, true, true, false, false]);
  assert.equal(valueOwnerAbove(byId(p, 'inner').firstChild!), byId(p, 'total'));
  assert.equal(valueOwnerAbove(byId(p, 'copy').firstChild!), null);
});
