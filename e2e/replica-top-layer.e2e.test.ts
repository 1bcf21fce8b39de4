// What the customer's page has in the browser's top layer — an open popover, a modal dialog, a
// fullscreen element — is on top in the agent's replica too, for an agent who was watching and
// for one who joins later (a new replica starts from a snapshot that records none of it).
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

/** In the replica: is the element open in the top layer, and is it drawn (a box of its own, on top at its centre)? */
const TOP = (id: string, state: string) => `(doc) => {
  const el = doc.getElementById(${JSON.stringify(id)});
  if (!el) return null;
  const r = el.getBoundingClientRect();
  const hit = doc.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return { open: el.matches(${JSON.stringify(state)}), width: r.width, height: r.height, onTop: !!hit && el.contains(hit), hit: hit && hit.tagName, modal: ` +
    `!!doc.querySelector('dialog:modal'),
    viewport: { width: doc.documentElement.clientWidth, height: doc.documentElement.clientHeight } };
}`;
type Top = { open: boolean; width: number; height: number; onTop: boolean; viewport: { width: number; height: number } };

describe('the top layer reaches the replica', () => {
  test('popover, modal dialog and fullscreen element: open and on top in the replica, for a late agent too; closed again when the page closes them',
    async () => {
    const { callId, page, console, close } = await sharedPage(stack, '/fixtures/shop/top-layer.html');
    try {
      await replicaUntil<string>(console, '(doc) => doc.body.innerText', (v) => Boolean(v?.includes('Trip planner')));

      await page.click('#open-menu');
      assert.equal(await page.evaluate(() => document.getElementById('menu')!.matches(':popover-open')), true);
      const menu = await replicaUntil<Top>(console, TOP('menu', ':popover-open'), (v) => Boolean(v?.open));
      assert.ok(menu?.open, 'the popover is open in the replica');
      assert.ok(menu.width > 0 && menu.onTop, `the popover is drawn on top (${JSON.stringify(menu)})`);
      await console.screenshot({ path: join(screenshotsDir, 'replica-top-layer-popover.png') });

      // An agent who joins now gets the snapshot and what followed it: the popover is open for them too.
      const late = await console.context().newPage();
      try {
        const token = (await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-8', conversationId: callId })).body;
        await late.goto(token.consoleUrl);
        const lateMenu = await replicaUntil<Top>(late, TOP('menu', ':popover-open'), (v) => Boolean(v?.open));
        await late.screenshot({ path: join(screenshotsDir, 'replica-top-layer-late.png') });
        assert.ok(lateMenu?.open && lateMenu.onTop, `a late agent sees the open popover (${JSON.stringify(lateMenu)})`);
      } finally {
        await late.close();
      }

      // Light dismiss on the page (Escape) closes it; the replica follows.
      await page.keyboard.press('Escape');
      const closed = await replicaUntil<Top>(console, TOP('menu', ':popover-open'), (v) => v !== null && !v.open);
      assert.equal(closed?.open, false, 'the popover closed in the replica');

      await page.click('#open-dialog');
      const dialog = await replicaUntil<Top>(console, TOP('confirm', ':modal'), (v) => Boolean(v?.open));
      assert.ok(dialog?.open && dialog.onTop, 'the modal dialog is modal and on top in the replica');
      await page.evaluate(() => (document.getElementById('confirm') as HTMLDialogElement).close());

      await page.click('#go-full');
      await page.waitForFunction(() => document.fullscreenElement?.id === 'slides');
      const full = await replicaUntil<Top>(console, TOP('slides', ':popover-open'), (v) => Boolean(v?.open && v.width === v.viewport.width));
      await console.screenshot({ path: join(screenshotsDir, 'replica-top-layer-fullscreen.png') });
      assert.ok(full?.open && full.onTop, `the fullscreen element is on top in the replica (${JSON.stringify(full)})`);
      assert.equal(full.width, full.viewport.width, 'and fills the replica\'s width');
      assert.equal(full.height, full.viewport.height, 'and its height');
      await console.screenshot({ path: join(screenshotsDir, 'replica-top-layer-fullscreen.png') });

      await page.evaluate(() => document.exitFullscreen());
      const back = await replicaUntil<Top>(console, TOP('slides', ':popover-open'), (v) => v !== null && !v.open);
      assert.equal(back?.open, false, 'leaving fullscreen on the page puts the element back in the replica');
      assert.equal(back.width, 320);
    } finally {
      await close();
    }
  });
});
