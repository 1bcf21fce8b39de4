// A menu that opens on hover on the customer's screen is open in the agent's replica: the
// customer's pointer drives the replica's :hover styles.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { screenshotsDir, startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { replicaUntil, sharedPage } from './harness/replica-probe.ts';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

const DISPLAY =
  (id: string) => `(doc) => { const el = doc.getElementById(${JSON.stringify(id)}); return el ? doc.defaultView.getComputedStyle(el).display : null; }`;

describe('hover states reach the replica', () => {
  test('the customer hovers a menu: it opens in the replica; moving on closes it and opens the next', async () => {
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/hover-menu.html');
    try {
      assert.equal(await replicaUntil<string>(agent, DISPLAY('tents-menu'), (v) => v !== null), 'none', 'closed while nobody hovers it');
      await page.hover('#tents');
      assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('tents-menu')!).display), 'block');
      const open = await replicaUntil<string>(agent, DISPLAY('tents-menu'), (v) => v === 'block');
      assert.equal(open, 'block', 'the hovered menu is open in the replica');
      await page.hover('#dome');
      const link =
        await replicaUntil<string>(agent, "(doc) => doc.defaultView.getComputedStyle(doc.getElementById('dome')).color", (v) => v === 'rgb(187, 0, 0)');
      assert.equal(link, 'rgb(187, 0, 0)', 'a hover style on the item under the pointer applies too');
      await agent.screenshot({ path: join(screenshotsDir, 'replica-hover-menu.png') });

      await page.hover('#stoves');
      assert.equal(await replicaUntil<string>(agent, DISPLAY('tents-menu'), (v) => v === 'none'), 'none', 'the menu the pointer left closed');
      assert.equal(await replicaUntil<string>(agent, DISPLAY('stoves-menu'), (v) => v === 'block'), 'block', 'the next one opened');
      // A framework writes the hovered item's whole class attribute (rrweb copies it onto the replica's element).
      await page.evaluate(() => document.getElementById('stoves')!.setAttribute('class', 'is-active'));
      assert.equal(
        await replicaUntil<string>(agent, "(doc) => doc.getElementById('stoves').getAttribute('class')", (v) => v?.includes('is-active') === true),
        'is-active :hover', 'the page\'s class arrived and the hover class came back with it');
      assert.equal(await replicaUntil<string>(agent, DISPLAY('stoves-menu'), (v) => v === 'block'), 'block', 'the menu stays open while the pointer rests');
      await page.hover('#far');
      assert.equal(await replicaUntil<string>(agent, DISPLAY('stoves-menu'), (v) => v === 'none'), 'none');
    } finally {
      await close();
    }
  });
});
