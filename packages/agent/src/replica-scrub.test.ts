import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { eventWithTime, serializedNodeWithId } from '@rrweb/types';
import { ReplicaScrubber } from './replica-scrub.ts';

const scrubEvent = (event: eventWithTime, scrubber = new ReplicaScrubber()) => scrubber.scrub(event);

function element(id: number, tagName: string, attributes: Record<string, string>, childNodes: serializedNodeWithId[] = []): serializedNodeWithId {
  return { id, type: NodeType.Element, tagName, attributes, childNodes };
}

function text(id: number, textContent: string): serializedNodeWithId {
  return { id, type: NodeType.Text, textContent };
}

test('a full snapshot loses handlers, script bodies, javascript: URLs, srcdoc and meta refresh', () => {
  const body = element(5, 'body', { onload: 'x()', class: 'page' }, [
    element(6, 'img', { src: 'https://shop.example/a.png', onerror: 'x()', OnMouseOver: 'x()' }),
    element(7, 'script', { src: 'https://evil.example/x.js' }, [text(8, 'x()')]),
    element(9, 'a', { href: ' java\tscript:x()', title: 'javascript: is fine as text' }),
    element(10, 'a', { href: 'https://shop.example/help' }),
    element(11, 'iframe', { srcdoc: '<script>x()</script>' }),
    element(12, 'meta', { 'http-equiv': 'refresh', content: '0;url=https://evil.example' }),
    element(13, 'svg', { onload: 'x()' }),
    element(14, 'iframe', { src: 'data:text/html,<script>x()</script>' }),
    element(15, 'form', { action: 'JAVASCRIPT:x()' }),
  ]);
  const event = {
    type: EventType.FullSnapshot,
    timestamp: 1,
    data: { node: { id: 1, type: NodeType.Document, childNodes: [element(2, 'html', {}, [body])] }, initialOffset: { left: 0, top: 0 } },
  } as eventWithTime;
  scrubEvent(event);
  const json = JSON.stringify(event);
  assert.doesNotMatch(json, /x\(\)/, json);
  assert.match(json, /shop\.example\/a\.png/);
  assert.match(json, /shop\.example\/help/);
  assert.match(json, /javascript: is fine as text/);
  assert.match(json, /"class":"page"/);
  assert.match(json, /"tagName":"noscript"/);
});

test('mutations lose the same things in added nodes and attribute changes', () => {
  const event = {
    type: EventType.IncrementalSnapshot,
    timestamp: 1,
    data: {
      source: IncrementalSource.Mutation,
      adds: [{ parentId: 5, nextId: null, node: element(20, 'div', { onclick: 'x()' }, [element(21, 'script', {}, [text(22, 'x()')])]) }],
      removes: [],
      texts: [],
      attributes: [{ id: 9, attributes: { href: 'javascript:x()', onfocus: 'x()', 'aria-label': 'ok' } }],
    },
  } as eventWithTime;
  scrubEvent(event);
  const json = JSON.stringify(event);
  assert.doesNotMatch(json, /x\(\)/, json);
  assert.match(json, /aria-label/);
});

function snapshot(...children: serializedNodeWithId[]): eventWithTime {
  return {
    type: EventType.FullSnapshot,
    timestamp: 1,
    data: { node: { id: 1, type: NodeType.Document, childNodes: [element(2, 'html', {}, [element(3, 'head', {}), element(4, 'body', {}, children)])] },
      initialOffset: { left: 0, top: 0 } },
  } as eventWithTime;
}

function mutation(adds: serializedNodeWithId[], attributes: { id: number; attributes: Record<string, string | null> }[] = []): eventWithTime {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp: 2,
    data: { source: IncrementalSource.Mutation, adds: adds.map((node) => ({ parentId: 4, nextId: null, node })), removes: [], texts: [], attributes },
  } as eventWithTime;
}

const CHOSEN = /customer-chosen/;

test('elements that load a document or a plugin keep their box and lose every URL', () => {
  const event = snapshot(
    element(10, 'iframe',
      { src: 'https://customer-chosen.example/frame.html', width: '300', height: '150', style: 'border:0', class: 'widget', name: 'x', loading: 'eager' }),
    element(11, 'object', { data: 'https://customer-chosen.example/doc.html', type: 'text/html', width: '200', codebase: 'https://customer-chosen.example/',
      classid: 'clsid:customer-chosen' }),
    element(12, 'EMBED', { src: 'https://customer-chosen.example/embed.swf', type: 'application/x-shockwave-flash', height: '40' }),
    element(13, 'frame', { src: 'https://customer-chosen.example/frame2.html' }),
    element(14, 'portal', { src: 'https://customer-chosen.example/portal.html' }),
    element(15, 'img', { src: 'https://shop.example/customer-photo.png' }),
  );
  scrubEvent(event);
  const json = JSON.stringify(event);
  assert.doesNotMatch(json, CHOSEN, json);
  assert.match(json, /"width":"300","height":"150","style":"border:0","class":"widget"/);
  assert.match(json, /"height":"40"/);
  assert.match(json, /customer-photo\.png/, 'images are the picture: they stay');
});

test('base and meta lose every attribute; links other than stylesheets lose their URL', () => {
  const event = snapshot(
    element(20, 'base', { href: 'https://customer-chosen.example/', target: '_top' }),
    element(21, 'meta', { name: 'referrer', content: 'unsafe-url customer-chosen' }),
    element(22, 'meta', { 'http-equiv': 'Content-Security-Policy', content: 'customer-chosen' }),
    element(23, 'link', { rel: 'prefetch', href: 'https://customer-chosen.example/next.html' }),
    element(24, 'link',
      { rel: 'preload', as: 'document', href: 'https://customer-chosen.example/pre.html', imagesrcset: 'https://customer-chosen.example/a.png 1x' }),
    element(25, 'link', { rel: 'stylesheet', href: 'https://shop.example/site.css' }),
    element(26, 'link', { rel: 'alternate stylesheet', href: 'https://shop.example/dark.css' }),
    element(27, 'link', { rel: 'stylesheet prefetch', href: 'https://customer-chosen.example/mixed.css' }),
  );
  scrubEvent(event);
  const json = JSON.stringify(event);
  assert.doesNotMatch(json, CHOSEN, json);
  assert.match(json, /site\.css/);
  assert.match(json, /dark\.css/);
});

test('attribute changes are judged by the element they land on, for the life of the replica', () => {
  const scrubber = new ReplicaScrubber();
  scrubEvent(snapshot(
    element(30, 'iframe', {}),
    element(31, 'img', { src: 'https://shop.example/a.png' }),
    element(32, 'link', { rel: 'stylesheet', href: 'https://shop.example/site.css' }),
  ), scrubber);
  const later = mutation(
    [element(40, 'object', {}), element(41, 'base', {}), element(42, 'meta', {})],
    [
      { id: 30, attributes: { src: 'https://customer-chosen.example/frame.html', width: '10' } },
      { id: 31, attributes: { src: 'https://shop.example/b.png' } },
      { id: 40, attributes: { data: 'https://customer-chosen.example/doc.html' } },
      { id: 41, attributes: { href: 'https://customer-chosen.example/' } },
      { id: 42, attributes: { 'http-equiv': 'refresh', content: '0;url=https://customer-chosen.example/' } },
      { id: 32, attributes: { rel: 'prefetch' } },
    ],
  );
  scrubEvent(later, scrubber);
  const json = JSON.stringify(later);
  assert.doesNotMatch(json, CHOSEN, json);
  assert.match(json, /b\.png/, 'an image may change its picture');
  assert.match(json, /"width":"10"/);
  // The stylesheet that became a prefetch loses the URL it already had.
  assert.deepEqual(later.type === EventType.IncrementalSnapshot && later.data.source === IncrementalSource.Mutation ? later.data.attributes.at(-1) : null, {
    id: 32, attributes: { rel: 'prefetch', href: null, imagesrcset: null, imagesizes: null },
  });
});
