import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { eventWithTime, serializedNodeWithId } from '@rrweb/types';
import { ASSET_EVENT, ASSET_MAX_BYTES, ASSET_UNREADABLE_EVENT } from '@tandem/protocol/wire';
import { AssetRewriter, AssetStore, assetFrameOf, sniffAsset, unreadableAssetOf } from './replica-assets.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const WOFF2 = Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(60)]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const SHOP = 'https://shop.example';

function element(id: number, tagName: string, attributes: Record<string, unknown>, childNodes: serializedNodeWithId[] = []): serializedNodeWithId {
  return { id, type: NodeType.Element, tagName, attributes: attributes as Record<string, string>, childNodes };
}

function snapshot(...body: serializedNodeWithId[]): eventWithTime {
  return {
    type: EventType.FullSnapshot,
    timestamp: 1,
    data: {
      node: { id: 1, type: NodeType.Document, childNodes: [element(2, 'html', {}, [element(3, 'body', {}, body)])] },
      initialOffset: { left: 0, top: 0 },
    },
  } as eventWithTime;
}

function attributesOf(event: eventWithTime, id: number): Record<string, unknown> {
  let found: Record<string, unknown> = {};
  const walk = (n: serializedNodeWithId) => {
    if (n.id === id && n.type === NodeType.Element) found = n.attributes;
    if ('childNodes' in n) for (const c of n.childNodes) walk(c);
  };
  if (event.type === EventType.FullSnapshot) walk(event.data.node);
  return found;
}

test('pictures and fonts are kept by what their bytes are; SVG, text posing as a picture, oversized and non-http assets are refused', () => {
  const store = new AssetStore();
  assert.equal(store.put({ url: `${SHOP}/a.png`, type: 'application/octet-stream', data: b64(PNG) }), true, 'a PNG, whatever its declared type');
  assert.match(store.file(`${SHOP}/a.png`) ?? '', /^blob:/);
  assert.equal(store.put({ url: `${SHOP}/f.woff2`, type: 'font/woff2', data: b64(WOFF2) }), true);
  assert.equal(store.put({ url: `${SHOP}/x.svg`, type: 'image/svg+xml', data: b64(SVG) }), false, 'SVG (which can carry script) is never kept');
  assert.equal(store.put({ url: `${SHOP}/y.png`, type: 'image/png', data: b64('<html><script>x()</script>') }), false, 'text declared as a picture');
  assert.equal(store.file(`${SHOP}/y.png`), null);
  assert.equal(store.put({ url: `${SHOP}/big.png`, type: 'image/png', data: b64(Buffer.concat([PNG, Buffer.alloc(ASSET_MAX_BYTES)])) }), false,
    'larger than ASSET_MAX_BYTES');
  assert.equal(store.put({ url: 'javascript:x()', type: 'image/png', data: b64(PNG) }), false, 'a URL the page could not have loaded');
  assert.equal(store.put({ url: `${SHOP}/bad.png`, type: 'image/png', data: '%%%not base64' }), false);
  assert.equal(store.put({ url: `${SHOP}/s.css`, type: 'text/css', data: b64('.a{color:red}') }), true, 'a style sheet is text');
  assert.equal(store.css(`${SHOP}/s.css`), '.a{color:red}');
  assert.equal(store.file(`${SHOP}/s.css`), null, 'and never a blob the replica could load as anything');
  assert.equal(sniffAsset(new Uint8Array(SVG)), null);
  assert.equal(assetFrameOf({ tag: ASSET_EVENT, payload: { url: 1, type: 'image/png', data: '' } }), null, 'a malformed frame is no asset');
});

test('an asset Tandem fetched is judged like a page-sent one: by its bytes, never SVG; an unreadable event names only an http(s) URL', () => {
  const store = new AssetStore();
  assert.equal(store.putBytes(`${SHOP}/p.png`, 'text/html', new Uint8Array(PNG)), true);
  assert.match(store.file(`${SHOP}/p.png`) ?? '', /^blob:/);
  assert.equal(store.putBytes(`${SHOP}/x.svg`, 'image/svg+xml', new Uint8Array(SVG)), false);
  assert.equal(store.putBytes(`${SHOP}/s.css`, 'text/css', new TextEncoder().encode('.a{color:red}')), true);
  assert.equal(store.css(`${SHOP}/s.css`), '.a{color:red}');
  assert.equal(unreadableAssetOf({ tag: ASSET_UNREADABLE_EVENT, payload: { url: `${SHOP}/b.png` } }), `${SHOP}/b.png`);
  assert.equal(unreadableAssetOf({ tag: ASSET_UNREADABLE_EVENT, payload: { url: 'file:///etc/passwd' } }), null);
  assert.equal(unreadableAssetOf({ tag: ASSET_EVENT, payload: { url: `${SHOP}/b.png` } }), null);
});

test('the store keeps at most its byte budget, dropping the oldest (and revoking its blob)', () => {
  const store = new AssetStore(PNG.byteLength * 2);
  for (const name of ['a', 'b', 'c']) store.put({ url: `${SHOP}/${name}.png`, type: 'image/png', data: b64(PNG) });
  assert.equal(store.file(`${SHOP}/a.png`), null, 'the oldest went');
  assert.ok(store.file(`${SHOP}/b.png`) && store.file(`${SHOP}/c.png`));
  store.clear();
  assert.equal(store.file(`${SHOP}/c.png`), null, 'nothing is kept once the session is over');
});

test('every URL that would load something becomes a blob the page sent, or nothing', () => {
  const store = new AssetStore();
  store.put({ url: `${SHOP}/a.png`, type: 'image/png', data: b64(PNG) });
  store.put({ url: `${SHOP}/f.woff2`, type: 'font/woff2', data: b64(WOFF2) });
  const rewriter = new AssetRewriter(store);
  const event = snapshot(
    element(10, 'img', { src: `${SHOP}/a.png`, srcset: `${SHOP}/a.png 1x, ${SHOP}/a@2x.png 2x` }),
    element(11, 'img', { src: `${SHOP}/missing.png`, srcset: `${SHOP}/m@2x.png 2x` }),
    element(12, 'div', { style: `background: url("${SHOP}/a.png"), url(${SHOP}/b.png); mask: url(#clip)` }),
    element(13, 'style', { _cssText: `@font-face{font-family:F;src:url(${SHOP}/f.woff2) format("woff2"),url(${SHOP}/f.woff) format("woff")}` +
      `@import url(${SHOP}/other.css); .x{cursor:url(${SHOP}/c.cur),auto}` }),
    element(14, 'video', { src: `${SHOP}/v.mp4`, poster: `${SHOP}/a.png` }),
    element(15, 'svg', {}, [element(16, 'image', { href: `${SHOP}/b.png` }), element(17, 'use', { href: `${SHOP}/sprite.svg#i` })]),
    element(18, 'img', { rr_dataURL: `${SHOP}/track.gif` }),
    element(19, 'img', { src: 'data:image/svg+xml,<svg onload=x()>' }),
    element(20, 'td', { background: `${SHOP}/bg.png` }),
  );
  rewriter.rewrite(event);
  const json = JSON.stringify(event);
  assert.doesNotMatch(json, /shop\.example/, `no URL of the page is left: ${json}`);
  assert.match(String(attributesOf(event, 10)['src']), /^blob:/);
  assert.match(String(attributesOf(event, 10)['srcset']), /^blob:\S+ 1x$/, 'a srcset keeps only what was sent');
  assert.equal(attributesOf(event, 11)['src'], null);
  assert.equal(attributesOf(event, 11)['srcset'], null);
  assert.match(String(attributesOf(event, 12)['style']), /^background: url\("blob:[^"]+"\), none; mask: url\(#clip\)$/);
  const css = String(attributesOf(event, 13)['_cssText']);
  assert.match(css, /src:url\("blob:[^"]+"\) format\("woff2"\)\}/, `the font keeps the source that was sent, and only it: ${css}`);
  assert.doesNotMatch(css, /@import/);
  assert.equal(attributesOf(event, 14)['src'], null, 'media is not loaded');
  assert.match(String(attributesOf(event, 14)['poster']), /^blob:/);
  assert.equal(attributesOf(event, 18)['rr_dataURL'], null, 'rrweb would load an rr_dataURL as the picture');
  assert.equal(attributesOf(event, 19)['src'], null);
});

test('what was drawn without an asset is given again once the asset arrives; a newer value is not overwritten', () => {
  const store = new AssetStore();
  const rewriter = new AssetRewriter(store);
  const event = snapshot(
    element(10, 'img', { src: `${SHOP}/a.png` }),
    element(11, 'link', { rel: 'stylesheet', href: `https://cdn.example/s.css` }),
    element(12, 'img', { src: `${SHOP}/a.png` }),
    element(13, 'style', {}, [{ id: 14, type: NodeType.Text, textContent: `.x{background:url(${SHOP}/a.png)}` }]),
  );
  rewriter.rewrite(event);
  assert.equal(attributesOf(event, 10)['src'], null);
  assert.equal(attributesOf(event, 11)['href'], null, 'a style sheet not sent is not linked');
  // The page changed picture 12 meanwhile to one that was never sent.
  const change = {
    type: EventType.IncrementalSnapshot, timestamp: 2,
    data: { source: IncrementalSource.Mutation, adds: [], removes: [], texts: [], attributes: [{ id: 12, attributes: { src: 'data:image/png;base64,AA==' } }] },
  } as unknown as eventWithTime;
  rewriter.rewrite(change);

  store.put({ url: `${SHOP}/a.png`, type: 'image/png', data: b64(PNG) });
  const again = rewriter.arrived(`${SHOP}/a.png`);
  assert.deepEqual(again.attributes, [{ id: 10, attributes: { src: `${SHOP}/a.png` } }], 'only the picture still waiting, with its original URL');
  assert.deepEqual(again.texts, [{ id: 14, value: `.x{background:url(${SHOP}/a.png)}` }], 'and the style text that named it');

  store.put({ url: 'https://cdn.example/s.css', type: 'text/css', data: b64(`.b{background:url(img/b.png)}`) });
  const sheet = rewriter.arrived('https://cdn.example/s.css');
  assert.deepEqual(sheet.attributes, [{ id: 11, attributes: { href: 'https://cdn.example/s.css' } }]);
  const mutation = {
    type: EventType.IncrementalSnapshot, timestamp: 3,
    data: { source: IncrementalSource.Mutation, adds: [], removes: [], texts: [], attributes: sheet.attributes },
  } as unknown as eventWithTime;
  rewriter.rewrite(mutation);
  const applied = (mutation.data as { attributes: { attributes: Record<string, unknown> }[] }).attributes[0]!.attributes;
  assert.equal(applied['_cssText'], '.b{background:none}', 'the sheet is inlined; the picture it names relative to itself is not there yet');
  assert.ok(!('href' in applied));
  assert.deepEqual(rewriter.arrived('https://cdn.example/img/b.png').attributes, [{ id: 11, attributes: { href: 'https://cdn.example/s.css' } }],
    'and the sheet waits for that picture');
});
