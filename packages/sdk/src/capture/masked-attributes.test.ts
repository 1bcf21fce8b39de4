import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawsCssString, dropNonPageAttributes, keepLayoutAttributes, layoutStyle, maskCssStrings, withoutQueryOrFragment } from './masked-attributes.ts';
import type { Attributes } from './masked-attributes.ts';

const stars = (text: string) => '*'.repeat(text.length);

test('inside a masked region only layout survives: class, sizes, fixed vocabularies; every other attribute goes', () => {
  const attributes: Attributes = {
    class: 'tag wide',
    title: 'secret', 'aria-label': 'secret', alt: 'secret', placeholder: 'secret', href: '/o?c=secret',
    src: '/a.png?secret', 'data-owner': 'secret', id: 'secret', 'x-future-attribute': 'secret',
    width: '48', height: '20px', colspan: '2', hidden: 'secret', dir: 'rtl', lang: 'secret',
    rr_scrollTop: 20, rr_src: 'data:text/html,secret', rr_dataURL: 'data:image/png;secret',
  };
  keepLayoutAttributes('td', attributes, {}, stars);
  assert.deepEqual(attributes, { class: 'tag wide', width: '48', height: '20px', colspan: '2', hidden: '', dir: 'rtl', rr_scrollTop: 20 });
});

test('sizes and directions that are not sizes or directions are dropped', () => {
  const attributes: Attributes = { width: 'secret', rows: '3 secret', dir: 'secret', viewBox: '0 0 40 20' };
  keepLayoutAttributes('svg', attributes, {}, stars);
  assert.deepEqual(attributes, { viewBox: '0 0 40 20' });
});

test('a masked field keeps a masked value and the type the browser understood, never the raw one', () => {
  const attributes: Attributes = { type: 'secret-type', value: 'secret', checked: true, name: 'secret' };
  keepLayoutAttributes('input', attributes, { controlType: 'text' }, stars);
  assert.deepEqual(attributes, { type: 'text', value: '******' });
});

test('inline style keeps layout declarations without url(), var(), attr() or custom properties', () => {
  assert.equal(
    layoutStyle([
      { name: 'width', value: '180px', priority: '' },
      { name: 'display', value: 'inline-block', priority: 'important' },
      { name: 'background-image', value: 'url("/x.png?secret")', priority: '' },
      { name: '--owner', value: 'secret', priority: '' },
      { name: 'height', value: 'var(--secret)', priority: '' },
      { name: 'margin-top', value: 'calc(1px + 2em)', priority: '' },
      { name: 'font-family', value: 'secret', priority: '' },
      { name: 'color', value: 'rgb(1, 2, 3)', priority: '' },
    ]),
    'width: 180px; display: inline-block !important; margin-top: calc(1px + 2em); color: rgb(1, 2, 3);',
  );
  const attributes: Attributes = { style: 'background: url(/secret.png); width: 10px' };
  keepLayoutAttributes('span', attributes, { declarations: [{ name: 'width', value: '10px', priority: '' }] }, stars);
  assert.deepEqual(attributes, { style: 'width: 10px;' });
});

test('a style change in a masked region keeps only layout properties of the diff', () => {
  const attributes: Attributes = { style: { 'background-image': 'url(/secret)', width: '12px', '--x': 'secret', height: false } };
  keepLayoutAttributes('div', attributes, {}, stars);
  assert.deepEqual(attributes, { style: { width: '12px', height: false } });
});

test('removing an attribute the replica never had is not sent; removing a kept one is', () => {
  const attributes: Attributes = { title: null, width: null, class: null };
  keepLayoutAttributes('div', attributes, {}, stars);
  assert.deepEqual(attributes, { width: null, class: null });
});

test('a masked picture without size attributes keeps its rendered box', () => {
  const attributes: Attributes = { src: '/a.png?secret', alt: 'secret', class: 'avatar' };
  keepLayoutAttributes('img', attributes, { box: { width: 48, height: 40 } }, stars);
  assert.deepEqual(attributes, { class: 'avatar', rr_width: '48px', rr_height: '40px' });
});

test('a stylesheet link keeps its URL, any other link does not', () => {
  const sheet: Attributes = { rel: 'stylesheet', href: '/site.css' };
  keepLayoutAttributes('link', sheet, {}, stars);
  assert.deepEqual(sheet, { rel: 'stylesheet', href: '/site.css' });
  const other: Attributes = { rel: 'alternate', href: '/feed?user=secret' };
  keepLayoutAttributes('link', other, {}, stars);
  assert.deepEqual(other, {});
});

test('srcdoc and documents inlined in frame URLs never leave, wherever the frame is', () => {
  const frame: Attributes = { srcdoc: '<p>secret</p>', width: '400' };
  dropNonPageAttributes('iframe', frame, null);
  assert.deepEqual(frame, { width: '400' });
  const dataFrame: Attributes = { rr_src: 'data:text/html,secret' };
  dropNonPageAttributes('iframe', dataFrame, null);
  assert.deepEqual(dataFrame, {});
  const object: Attributes = { data: ' DATA:text/html,secret' };
  dropNonPageAttributes('object', object, null);
  assert.deepEqual(object, {});
  const pageFrame: Attributes = { rr_src: 'https://maps.example/embed' };
  dropNonPageAttributes('iframe', pageFrame, null);
  assert.deepEqual(pageFrame, { rr_src: 'https://maps.example/embed' });
});

test('meta content is sent only for the viewport and the colour scheme', () => {
  const csrf: Attributes = { name: 'csrf-token', content: 'secret' };
  dropNonPageAttributes('meta', csrf, 'csrf-token');
  assert.deepEqual(csrf, { name: 'csrf-token' });
  const later: Attributes = { content: 'secret' };
  dropNonPageAttributes('meta', later, 'user-id');
  assert.deepEqual(later, {});
  const og: Attributes = { property: 'og:url', content: 'https://shop.example/?token=secret' };
  dropNonPageAttributes('meta', og, null);
  assert.deepEqual(og, { property: 'og:url' });
  const viewport: Attributes = { name: 'viewport', content: 'width=device-width' };
  dropNonPageAttributes('meta', viewport, 'Viewport');
  assert.deepEqual(viewport, { name: 'viewport', content: 'width=device-width' });
});

test('text a stylesheet draws in a masked region is masked, the rest of the CSS kept', () => {
  assert.equal(
    maskCssStrings('.a::after { content: "Jane \\"J\\" Doe" attr(x); color: red } .b { content:\'x\' }', stars),
    '.a::after { content: "**************" attr(x); color: red } .b { content:\'*\' }',
  );
  const attributes: Attributes = { _cssText: '.n::after { content: "secret" }' };
  keepLayoutAttributes('style', attributes, {}, stars);
  assert.deepEqual(attributes, { _cssText: '.n::after { content: "******" }' });
});

test('URLs nobody draws lose their query and fragment; pictures keep theirs', () => {
  const link: Attributes = { href: '/logout?token=secret#x' };
  dropNonPageAttributes('a', link, null);
  assert.deepEqual(link, { href: '/logout' });
  const form: Attributes = { action: 'https://shop.example/reorder#secret' };
  dropNonPageAttributes('form', form, null);
  assert.deepEqual(form, { action: 'https://shop.example/reorder' });
  const picture: Attributes = { src: '/a.png?w=200' };
  dropNonPageAttributes('img', picture, null);
  assert.deepEqual(picture, { src: '/a.png?w=200' });
  assert.equal(withoutQueryOrFragment('/p'), '/p');
});

test('inline handlers and javascript: URLs never leave, in any element', () => {
  const button: Attributes = { onclick: "track('secret')", OnMouseOver: 'x()', type: 'button' };
  dropNonPageAttributes('button', button, null);
  assert.deepEqual(button, { type: 'button' });
  const link: Attributes = { href: ' java\tscript:void("secret")' };
  dropNonPageAttributes('a', link, null);
  assert.deepEqual(link, {});
});

test("a page's own attribute named like rrweb's bookkeeping keeps only values of that shape", () => {
  const attributes: Attributes = { rr_width: 'secret', rr_height: '20px', rr_scrollTop: 'secret', rr_open_mode: 'modal' };
  keepLayoutAttributes('div', attributes, {}, stars);
  assert.deepEqual(attributes, { rr_height: '20px', rr_open_mode: 'modal' });
});

test("a script element's URL and configuration never leave", () => {
  const script: Attributes = { src: '/app.js?token=secret', 'data-user': 'secret', type: 'module' };
  dropNonPageAttributes('script', script, null);
  assert.deepEqual(script, {});
});

test('strings any CSS property draws (custom properties, quotes, list markers) are masked; font names and url()s kept', () => {
  assert.equal(
    maskCssStrings('#p { --who: "Jane"; font-family: "Inter"; } ul { list-style-type: "J "; quotes: "a" "b" } q{background:url("/q.png")}', stars),
    '#p { --who: "****"; font-family: "Inter"; } ul { list-style-type: "**"; quotes: "*" "*" } q{background:url("/q.png")}',
  );
  assert.equal(drawsCssString('--x'), true);
  assert.equal(drawsCssString('content'), true);
  assert.equal(drawsCssString('font-family'), false);
});

test('machine URLs: links that are not stylesheets, plugin URLs and ping lose their query or go; a stylesheet keeps its URL whole', () => {
  const canonical: Attributes = { rel: 'canonical', href: '/orders?session=secret' };
  dropNonPageAttributes('link', canonical, null);
  assert.deepEqual(canonical, { rel: 'canonical', href: '/orders' });
  const laterHref: Attributes = { href: '/de/orders#secret' };
  dropNonPageAttributes('link', laterHref, 'alternate');
  assert.deepEqual(laterHref, { href: '/de/orders' });
  const fonts: Attributes = { href: 'https://fonts.example/css2?family=Inter' };
  dropNonPageAttributes('link', fonts, 'stylesheet');
  assert.deepEqual(fonts, { href: 'https://fonts.example/css2?family=Inter' });
  const object: Attributes = { data: '/doc.pdf?token=secret' };
  dropNonPageAttributes('object', object, null);
  assert.deepEqual(object, { data: '/doc.pdf' });
  const embed: Attributes = { src: '/x.svg#secret' };
  dropNonPageAttributes('embed', embed, null);
  assert.deepEqual(embed, { src: '/x.svg' });
  const anchor: Attributes = { href: '/help', ping: '/track?uid=secret' };
  dropNonPageAttributes('a', anchor, null);
  assert.deepEqual(anchor, { href: '/help' });
});
