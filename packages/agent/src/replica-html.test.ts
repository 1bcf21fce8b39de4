import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeType } from '@rrweb/types';
import type { serializedNodeWithId } from '@rrweb/types';
import { planParsedBuild } from './replica-html.ts';

let nextId = 1;
const el = (tagName: string, attributes: Record<string, string | number | true | null> = {}, childNodes: serializedNodeWithId[] = [],
  extra: Record<string, unknown> = {}): serializedNodeWithId =>
  ({ type: NodeType.Element, id: nextId++, tagName, attributes, childNodes, ...extra }) as serializedNodeWithId;
const text = (textContent: string): serializedNodeWithId => ({ type: NodeType.Text, id: nextId++, textContent }) as serializedNodeWithId;
const page = (head: serializedNodeWithId[], body: serializedNodeWithId[], html: serializedNodeWithId[] = []): serializedNodeWithId => ({
  type: NodeType.Document, id: nextId++, compatMode: 'CSS1Compat', childNodes: [
    { type: NodeType.DocumentType, id: nextId++, name: 'html', publicId: '', systemId: '' },
    el('html', { lang: 'en' }, [el('head', {}, head), ...html, el('body', {}, body)]),
  ],
}) as serializedNodeWithId;

test('a plain page is one piece of markup: doctype, escaped text and attributes, the replica\'s own field attributes', () => {
  const plan = planParsedBuild(page([el('title', {}, [text('A & B')])], [
    el('p', { title: 'say "hi"', hidden: true, onclick: 'x()' }, [text('1 < 2'), text(' and more')]),
    el('input', { value: 'typed', autocomplete: 'email' }),
    el('textarea', { value: '\nnote' }, [text('ignored')]),
    el('pre', {}, [text('\nline')]),
  ]));
  assert.ok(plan);
  assert.equal(plan.html, '<!DOCTYPE html><html lang="en"><head><title>A &amp; B</title></head><body>' +
    '<p title="say &quot;hi&quot;" hidden _onclick="x()">1 &lt; 2 and more</p><input value="typed" autocomplete="off">' +
    '<textarea autocomplete="off">\n\nnote</textarea><pre>\n\nline</pre></body></html>');
  assert.equal(plan.adds.length, 0);
});

test('what markup cannot say is left to rrweb, as mutations whose next sibling exists when each is added', () => {
  const style = el('style', {}, [text('a:hover { color: red }')], {});
  const script = el('script', {}, [text('SCRIPT_PLACEHOLDER')]);
  const host = el('tandem-ui', { 'data-tandem-block': '' });
  const canvas = el('canvas', { rr_dataURL: 'data:image/png;base64,' });
  const shadowHost = el('x-card', {}, [el('span', {}, [], { isShadow: true })], { isShadowHost: true, isCustom: true });
  const sized = el('div', { rr_width: '10px', rr_height: '20px', rr_scrollTop: 30 });
  const doc = page([style], [canvas, shadowHost, sized, script], [host]);
  const plan = planParsedBuild(doc);
  assert.ok(plan);
  assert.doesNotMatch(plan.html, /style|script|canvas|x-card|tandem-ui/);
  const added = plan.adds.map((a) => (a.node as { tagName?: string }).tagName ?? 'text');
  // Each parent's own, right to left, once its written children are done (the UI host is <html>'s).
  assert.deepEqual(added, ['style', 'text', 'script', 'text', 'x-card', 'span', 'canvas', 'tandem-ui']);
  for (const [i, add] of plan.adds.entries()) {
    if (add.nextId !== null && plan.addedIds.has(add.nextId)) {
      assert.ok(plan.adds.findIndex((a) => a.node.id === add.nextId) < i, 'a next sibling rrweb adds is added first');
    }
  }
  assert.deepEqual(plan.sizes, [{ id: sized.id, width: '10px', height: '20px' }]);
  assert.deepEqual(plan.scrolls, [{ id: sized.id, top: 30 }]);
});

test('a snapshot with media elements, CDATA or a nested document is not planned: rrweb rebuilds it whole', () => {
  assert.equal(planParsedBuild(page([], [el('video', { src: 'a.mp4' })])), null);
  assert.equal(planParsedBuild(page([], [{ type: NodeType.CDATA, id: nextId++, textContent: '' } as serializedNodeWithId])), null);
  assert.equal(planParsedBuild(page([], [el('div', {}, [], { rootId: 1 })])), null);
  assert.equal(planParsedBuild(page([], [el('br', {}, [text('a child of a void element')])])), null);
  assert.ok(planParsedBuild(page([], [el('div')])));
});

test('a picture shows a video and an audio player as boxes: what lays them out, nothing they would load or play', () => {
  const body = [
    el('video', { id: 'clip', class: 'hero', style: 'width: 320px', src: 'https://shop.example/clip.mp4', poster: 'https://shop.example/p.jpg',
      controls: true, autoplay: true, rr_mediaState: 'played', rr_mediaCurrentTime: 3 }, [el('source', { src: 'https://shop.example/clip.webm' })]),
    el('audio', { id: 'jingle', controls: true, src: 'https://shop.example/a.mp3', rr_mediaState: 'paused' }),
    el('video', { id: 'bare', src: 'https://shop.example/b.mp4' }),
  ];
  const picture = planParsedBuild(page([], body), { forPicture: true });
  assert.ok(picture, 'a page with media is pictured');
  assert.match(picture.html, /<video id="clip" class="hero" style="width: 320px" controls><\/video>/);
  assert.match(picture.html, /<audio id="jingle" controls><\/audio>/);
  assert.match(picture.html, /<video id="bare"><\/video>/);
  assert.doesNotMatch(picture.html, /shop\.example|autoplay|<source/);
  assert.deepEqual(picture.adds, []);
  // The replica's own build is rrweb's, as before.
  assert.equal(planParsedBuild(page([], body)), null);
});
