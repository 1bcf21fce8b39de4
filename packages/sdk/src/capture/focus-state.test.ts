// What the focus report may name, in happy-dom. Which elements match :focus and :focus-visible is
// the browser's to say (happy-dom's <body> matches :focus when nothing has focus; Chromium's does
// not): that, and what the replica makes of the report, is covered in e2e/replica-focus.e2e.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from '../../test/dom-page.ts';
import { readFocus } from './focus-state.ts';

const BLOCK = '[data-tandem-block], [data-tandem-ui], canvas';

test('the focused element is reported by id, and nothing when it is in a blocked region or not in the stream', async () => {
  const page = openPage('<form><input id="name"><div data-tandem-block><input id="card"></div></form><input id="late">');
  try {
    const doc = page.document;
    page.serialize();
    const name = doc.getElementById('name') as HTMLInputElement;
    name.focus();
    const state = readFocus(doc, page.idOf, BLOCK);
    assert.deepEqual(state.focus, [page.idOf(name)], 'the field, by its id');
    (doc.getElementById('card') as HTMLInputElement).focus();
    assert.deepEqual(readFocus(doc, page.idOf, BLOCK), { focus: [], visible: [] }, 'a field inside a blocked region: no focus at all');
    const unknown = (node: Node) => (node === doc.getElementById('late') ? -1 : page.idOf(node));
    (doc.getElementById('late') as HTMLInputElement).focus();
    assert.deepEqual(readFocus(doc, unknown, BLOCK), { focus: [], visible: [] }, 'an element the stream does not carry');
  } finally {
    await page.close();
  }
});
