import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assetSlot, cssUrls, rewriteCss, srcsetEntries } from '../src/wire/page-assets.ts';

const SHEET = 'https://cdn.example/css/site.css';

test('a style sheet names its pictures and fonts relative to itself; data:, fragments and imports are not assets', () => {
  const css = `@import "print.css"; @font-face{src:url(../f/a.woff2) format("woff2")} .a{background:url('/i/b.png'), url("data:image/png;base64,AA==")}
    .b{fill:url(#grad)} .c{background:url( https://other.example/c.png )}`;
  assert.deepEqual(cssUrls(css, SHEET), ['https://cdn.example/f/a.woff2', 'https://cdn.example/i/b.png', 'https://other.example/c.png']);
});

test('rewriting keeps what resolves, leaves out a font source that does not, and loads nothing else', () => {
  const css = '@font-face{font-family:F;src:local(F),url(a.woff2) format("woff2"),url("a.woff") format("woff")} .a{background:url(b.png) no-repeat}' +
    ' .b{fill:url(#g)} .c{background:url(data:image/png;base64,AA==)} @import url(x.css); .d{src:url(none.woff)}';
  const out = rewriteCss(css, SHEET, (url) => (url.endsWith('a.woff2') ? 'blob:t/1' : null));
  assert.equal(out, '@font-face{font-family:F;src:local(F),url("blob:t/1") format("woff2")} .a{background:none no-repeat}' +
    ' .b{fill:url(#g)} .c{background:url(data:image/png;base64,AA==)}  .d{src:none}');
});

test('a srcset is read candidate by candidate, a data: URL with commas included', () => {
  assert.deepEqual(srcsetEntries('a.png 1x, /b.png 640w,data:image/png;base64,AA,BB 3x', 'https://shop.example/p/'), [
    { url: 'https://shop.example/p/a.png', descriptor: '1x' },
    { url: 'https://shop.example/b.png', descriptor: '640w' },
    { url: 'data:image/png;base64,AA,BB', descriptor: '3x' },
  ]);
});

test('which attributes load what', () => {
  assert.equal(assetSlot('IMG', 'src', 'x'), 'image');
  assert.equal(assetSlot('video', 'src', 'x'), 'drop');
  assert.equal(assetSlot('video', 'poster', 'x'), 'image');
  assert.equal(assetSlot('use', 'href', '#icon'), null, 'a sprite in the same document loads nothing');
  assert.equal(assetSlot('use', 'xlink:href', 'sprite.svg#icon'), 'drop');
  assert.equal(assetSlot('link', 'href', 'x.css'), 'stylesheet');
  assert.equal(assetSlot('a', 'href', 'x'), null, 'a link is followed by no one in the replica');
  assert.equal(assetSlot('div', 'style', { color: 'red' }), 'css');
});
