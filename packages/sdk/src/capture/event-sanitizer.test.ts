// The event sanitiser's promises (README "Masking"), on rrweb-shaped events of pages in happy-dom:
// what it masks, what it keeps, and what it drops before an event leaves the page.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { eventWithTime, serializedNodeWithId } from '@rrweb/types';
import { openPage, type TestPage } from '../../test/dom-page.ts';
import { sanitizeEvent, sanitizeFramedEvent } from './event-sanitizer.ts';

const pages: TestPage[] = [];
after(async () => {
  for (const p of pages) await p.close();
});

function page(html: string): TestPage {
  const p = openPage(html);
  pages.push(p);
  return p;
}

/** The page's full snapshot after the sanitiser. */
function snapshotOf(p: TestPage): serializedNodeWithId {
  const event = { type: EventType.FullSnapshot, timestamp: 1, data: { node: p.serialize(), initialOffset: { top: 0, left: 0 } } } as eventWithTime;
  const out = sanitizeEvent(event, p.mirror);
  assert.ok(out.type === EventType.FullSnapshot);
  return out.data.node;
}

/** The serialised element with this id attribute on the page (as it was before sanitising). */
function find(root: serializedNodeWithId, p: TestPage, id: string): serializedNodeWithId {
  const want = p.idOf(p.document.getElementById(id)!);
  const walk = (n: serializedNodeWithId): serializedNodeWithId | null => {
    if (n.id === want) return n;
    if ('childNodes' in n) for (const c of n.childNodes) {
      const hit = walk(c);
      if (hit) return hit;
    }
    return null;
  };
  const hit = walk(root);
  assert.ok(hit, `#${id} is in the snapshot`);
  return hit;
}

const attrs = (n: serializedNodeWithId) => (n.type === NodeType.Element ? n.attributes : assert.fail('not an element'));
const textOf = (n: serializedNodeWithId) => {
  const child = 'childNodes' in n ? n.childNodes[0] : undefined;
  return child?.type === NodeType.Text ? child.textContent : assert.fail('no text child');
};

function mutation(data: Partial<{ adds: unknown[]; texts: unknown[]; attributes: unknown[]; removes: unknown[] }>): eventWithTime {
  return {
    type: EventType.IncrementalSnapshot,
    timestamp: 2,
    data: { source: IncrementalSource.Mutation, adds: [], texts: [], attributes: [], removes: [], ...data },
  } as eventWithTime;
}

test('text in a masked region is masked to the same shape; page copy outside is sent as it is', () => {
  const p = page('<p id="copy">Your balance</p><div data-tandem-mask><p id="secret">Jo Bloggs</p></div>');
  const root = snapshotOf(p);
  assert.equal(textOf(find(root, p, 'copy')), 'Your balance');
  assert.equal(textOf(find(root, p, 'secret')), '** ******');
});

test('inside a masked region attributes are an allowlist: class and sizes stay, names, links, data and ids go', () => {
  const p = page(`<div data-tandem-mask>
    <a id="link" class="card wide" href="/orders?c=secret" title="Jo Bloggs" aria-label="Jo" data-owner="jo" width="40" x-new="jo">x</a>
  </div>`);
  const a = attrs(find(snapshotOf(p), p, 'link'));
  assert.deepEqual(a, { class: 'card wide', width: '40' });
});

test('values: masked unless opted in, an opted-in password masked all the same, a button\'s label kept', () => {
  const p = page(`
    <input id="plain" value="jo@example.test">
    <input id="opted" data-tandem-unmask value="Bristol">
    <input id="pw" type="password" data-tandem-unmask value="hunter2">
    <input id="box" type="checkbox" value="card_4242">
    <input id="submit" type="submit" value="Pay now">
    <div id="slider" role="slider" aria-valuetext="£2,418" aria-valuenow="2418"></div>`);
  const root = snapshotOf(p);
  assert.equal(attrs(find(root, p, 'plain'))['value'], '***************');
  assert.equal(attrs(find(root, p, 'opted'))['value'], 'Bristol');
  assert.equal(attrs(find(root, p, 'pw'))['value'], '*******');
  assert.equal(attrs(find(root, p, 'box'))['value'], '*********');
  assert.equal(attrs(find(root, p, 'submit'))['value'], 'Pay now');
  assert.deepEqual([attrs(find(root, p, 'slider'))['aria-valuetext'], attrs(find(root, p, 'slider'))['aria-valuenow']], ['******', '****']);
});

test('the text of a textarea and of an option is a value: masked unless its field is opted in', () => {
  const p = page(`
    <textarea id="note">call me at 5</textarea>
    <select id="plan"><option id="gold" label="Gold">Gold plan</option></select>
    <select data-tandem-unmask><option id="shown">Silver plan</option></select>`);
  const root = snapshotOf(p);
  assert.equal(textOf(find(root, p, 'note')), '**** ** ** *');
  assert.equal(textOf(find(root, p, 'gold')), '**** ****');
  assert.equal(attrs(find(root, p, 'gold'))['label'], '****');
  assert.equal(textOf(find(root, p, 'shown')), 'Silver plan');
});

test('fields as the customer left them: emptied, unticked and re-chosen fields are serialised so, not at their defaults', () => {
  const p = page(`<input id="town" data-tandem-unmask value="London"><input id="code" value="SW1A">
    <textarea id="note" data-tandem-unmask>Leave at the door</textarea>
    <input id="sig" type="checkbox" checked><input id="am" type="radio" name="slot" checked><input id="pm" type="radio" name="slot">
    <div data-tandem-mask><input id="hidden-box" type="checkbox" checked></div>`);
  const get = <T extends Element>(id: string) => p.document.getElementById(id) as unknown as T;
  get<HTMLInputElement>('town').value = '';
  get<HTMLInputElement>('code').value = '';
  get<HTMLTextAreaElement>('note').value = '';
  get<HTMLInputElement>('sig').checked = false;
  get<HTMLInputElement>('pm').checked = true;
  get<HTMLInputElement>('hidden-box').checked = false;
  const root = snapshotOf(p);
  assert.equal(attrs(find(root, p, 'town'))['value'], '', 'an emptied field is empty, not its default');
  assert.equal(attrs(find(root, p, 'code'))['value'], '', 'masked or not');
  assert.equal(attrs(find(root, p, 'note'))['value'], '', 'an emptied textarea is empty, not its default text');
  assert.equal(attrs(find(root, p, 'sig'))['checked'], undefined, 'an unticked box is unticked');
  assert.equal(attrs(find(root, p, 'am'))['checked'], undefined);
  assert.equal(attrs(find(root, p, 'pm'))['checked'], true, 'the radio the customer chose is the chosen one');
  assert.equal(attrs(find(root, p, 'hidden-box'))['checked'], undefined, 'a masked region\'s box says nothing of its tick');
});

test('what is never page copy is dropped: comments\' text, meta content, iframe srcdoc, and the address\'s query and fragment', () => {
  const p = page(`<!-- user 4411 token abc --><meta id="csrf" name="csrf-token" content="abc"><meta id="vp" name="viewport" content="width=device-width">
    <iframe id="frame" srcdoc="<p>secret</p>"></iframe>`);
  const root = snapshotOf(p);
  const comments: string[] = [];
  const walk = (n: serializedNodeWithId) => {
    if (n.type === NodeType.Comment) comments.push(n.textContent);
    if ('childNodes' in n) n.childNodes.forEach(walk);
  };
  walk(root);
  assert.deepEqual(comments, ['']);
  assert.equal(attrs(find(root, p, 'csrf'))['content'], undefined);
  assert.equal(attrs(find(root, p, 'vp'))['content'], 'width=device-width');
  assert.equal(attrs(find(root, p, 'frame'))['srcdoc'], undefined);
  const meta = sanitizeEvent({ type: EventType.Meta, timestamp: 1, data: { href: p.window.location.href, width: 1, height: 1 } } as eventWithTime, p.mirror);
  assert.ok(meta.type === EventType.Meta);
  assert.equal(meta.data.href, 'https://shop.example.test/account');
});

test('a blocked element is marked to be drawn as a box, and nothing added, changed or typed below it is sent', () => {
  const p = page('<section id="blocked" data-tandem-block><p id="inside">old</p></section>');
  const root = snapshotOf(p);
  const section = find(root, p, 'blocked');
  // rrweb serialises a blocked element as its size only; the sanitiser marks it as a box.
  const blocked = { ...section, attributes: { rr_width: '10px', rr_height: '10px' }, childNodes: [] } as serializedNodeWithId;
  const snapshot = { type: EventType.FullSnapshot, timestamp: 1, data: { node: blocked, initialOffset: { top: 0, left: 0 } } } as eventWithTime;
  const marked = sanitizeEvent(snapshot, p.mirror);
  assert.ok(marked.type === EventType.FullSnapshot && marked.data.node.type === NodeType.Element);
  assert.equal(marked.data.node.attributes['data-tandem-block'], '');

  const inside = p.document.getElementById('inside')!;
  const event = sanitizeEvent(mutation({
    adds: [{ parentId: p.idOf(inside), nextId: null, node: { type: NodeType.Text, id: 900, textContent: 'new' } }],
    texts: [{ id: p.idOf(inside.firstChild!), value: 'changed' }],
    attributes: [{ id: p.idOf(inside), attributes: { class: 'x' } }],
  }), p.mirror);
  assert.ok(event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation);
  assert.deepEqual([event.data.adds, event.data.texts, event.data.attributes], [[], [], []]);
});

test('mutations: text set later in a masked region is masked, attributes set later there are held to the allowlist', () => {
  const p = page('<div data-tandem-mask><p id="name">Jo</p></div><p id="copy">Hello</p>');
  const name = p.document.getElementById('name')!;
  const copy = p.document.getElementById('copy')!;
  p.serialize();
  const event = sanitizeEvent(mutation({
    texts: [{ id: p.idOf(name.firstChild!), value: 'Jo Bloggs' }, { id: p.idOf(copy.firstChild!), value: 'Hello Jo' }],
    attributes: [{ id: p.idOf(name), attributes: { title: 'Jo Bloggs', 'data-id': '4411' } }, { id: p.idOf(name), attributes: { class: 'big' } }],
  }), p.mirror);
  assert.ok(event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation);
  assert.deepEqual(event.data.texts.map((t) => t.value), ['** ******', 'Hello Jo']);
  // A change left with nothing to say is not sent at all.
  assert.deepEqual(event.data.attributes.map((a) => a.attributes), [{ class: 'big' }]);
});

test('a node the mirror does not know is treated as masked: nothing is shown on a guess', () => {
  const p = page('<p>x</p>');
  p.serialize();
  const added = sanitizeEvent(mutation({
    adds: [{ parentId: 12345, nextId: null, node: { type: NodeType.Element, id: 901, tagName: 'p', attributes: { title: 'Jo' }, childNodes: [
      { type: NodeType.Text, id: 902, textContent: 'Jo Bloggs' },
    ] } }],
    texts: [{ id: 54321, value: 'Jo Bloggs' }],
  }), p.mirror);
  assert.ok(added.type === EventType.IncrementalSnapshot && added.data.source === IncrementalSource.Mutation);
  assert.deepEqual(added.data.texts, [], 'a text change of an unknown node is dropped');
  const node = added.data.adds[0]!.node;
  assert.ok(node.type === NodeType.Element);
  assert.deepEqual(node.attributes, {});
  assert.equal(node.childNodes[0]?.type === NodeType.Text && node.childNodes[0].textContent, '** ******');
});

test('input events: the typed text is masked unless opted in, and which box is ticked in a masked region is not sent', () => {
  const p = page(`<input id="email"><input id="city" data-tandem-unmask>
    <div data-tandem-mask><input id="plan" type="radio" value="gold"></div>
    <select id="courier"><option>Royal Mail</option><option>DPD</option></select>
    <select id="size" data-tandem-unmask><option>Small</option></select>`);
  p.serialize();
  const input = (id: string, text: string, isChecked = false) => {
    const out = sanitizeEvent({
      type: EventType.IncrementalSnapshot, timestamp: 3,
      data: { source: IncrementalSource.Input, id: p.idOf(p.document.getElementById(id)!), text, isChecked },
    } as eventWithTime, p.mirror);
    assert.ok(out.type === EventType.IncrementalSnapshot && out.data.source === IncrementalSource.Input);
    return { text: out.data.text, isChecked: out.data.isChecked };
  };
  assert.deepEqual(input('email', 'jo@x.test'), { text: '*********', isChecked: false });
  assert.deepEqual(input('city', 'Bristol'), { text: 'Bristol', isChecked: false });
  assert.deepEqual(input('plan', 'gold', true), { text: '****', isChecked: false });
  // Masked to its length, a select's value would choose the replica option masked to that length.
  assert.deepEqual(input('courier', 'DPD'), { text: '', isChecked: false }, 'a masked select\'s choice goes empty');
  assert.deepEqual(input('size', 'Small'), { text: 'Small', isChecked: false });
});

// Events a cross-origin child frame recorded and masked itself, renumbered by rrweb under the frame's
// <iframe>: this page's rules for the <iframe> element still apply on top of the frame's own.
function framedAttach(): eventWithTime {
  const text = { type: NodeType.Text, id: 903, textContent: 'Pay securely' };
  const body = { type: NodeType.Element, id: 902, tagName: 'body', attributes: { title: 'Card help' }, childNodes: [text] };
  const node = { type: NodeType.Document, id: 901, childNodes: [{ type: NodeType.Element, id: 904, tagName: 'html', attributes: {}, childNodes: [body] }] };
  return { type: EventType.IncrementalSnapshot, timestamp: 1, data: { source: IncrementalSource.Mutation, adds: [{ parentId: 7, nextId: null, node }],
    removes: [], texts: [], attributes: [], isAttachIframe: true } } as unknown as eventWithTime;
}

test('a framed event passes as the frame sent it when its <iframe> is in an open region of the page', () => {
  const p = page('<iframe id="pay"></iframe>');
  const out = sanitizeFramedEvent(framedAttach(), p.document.getElementById('pay')!);
  assert.ok(out && JSON.stringify(out).includes('Pay securely') && JSON.stringify(out).includes('Card help'));
});

test('a framed event under a masked <iframe> keeps only boxes; under a blocked one, or a custom event, nothing passes', () => {
  const p = page('<div data-tandem-mask><iframe id="masked"></iframe></div>' +
    '<div data-tandem-block><iframe id="blocked"></iframe></div><iframe id="open"></iframe>');
  const masked = JSON.stringify(sanitizeFramedEvent(framedAttach(), p.document.getElementById('masked')!));
  assert.ok(!masked.includes('Pay securely') && !masked.includes('Card help') && masked.includes('*** ********'), masked);
  assert.equal(sanitizeFramedEvent(framedAttach(), p.document.getElementById('blocked')!), null);
  const custom = { type: EventType.Custom, timestamp: 1, data: { tag: 'tandem/top-layer', payload: { popovers: [5] } } } as eventWithTime;
  assert.equal(sanitizeFramedEvent(custom, p.document.getElementById('open')!), null);
});
