import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { eventWithTime, serializedNodeWithId } from '@rrweb/types';
import { scrubEvent } from './replica-scrub.ts';

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
