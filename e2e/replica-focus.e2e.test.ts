// Where the customer's page has focus, the agent's replica shows it: the focus ring of the field
// the customer is in, its floating label, a menu that opens while it has focus, for an agent who
// was watching and for one who joins later, inside an open shadow root and a same-origin frame,
// and never for a field in a blocked region. The replica never takes real focus itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshotsDir, startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { inReplica, replicaUntil, sharedPage } from './harness/replica-probe.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

/** What focus looks like on a document of the fixture: the same function reads the page and the replica. */
const LOOK = `(doc) => {
  const style = (el) => el ? doc.defaultView.getComputedStyle(el) : null;
  const byId = (id) => doc.getElementById(id);
  const lookup = byId('lookup');
  const postcode = lookup && lookup.shadowRoot ? lookup.shadowRoot.querySelector('input') : null;
  const gift = byId('gift');
  const giftDoc = gift && gift.contentDocument;
  const note = giftDoc ? giftDoc.querySelector('input') : null;
  if (!byId('name') || !postcode || !note) return null;
  const ring = (el) => style(el).outlineStyle + ' ' + style(el).outlineColor;
  return {
    name: ring(byId('name')),
    nameLabel: style(byId('name').nextElementSibling).top,
    email: ring(byId('email')),
    emailLabel: style(byId('email').nextElementSibling).top,
    coupon: style(byId('coupon')).backgroundColor,
    options: ring(byId('options')),
    menu: style(byId('items')).visibility,
    tips: style(byId('tips')).display,
    postcode: ring(postcode),
    lookup: style(lookup).backgroundColor,
    note: note.ownerDocument.defaultView.getComputedStyle(note).outlineStyle,
  };
}`;
type Look = Record<string, string>;

const onPage = (page: Page): Promise<Look> => page.evaluate(`(${LOOK})(document)`) as Promise<Look>;

/** Waits until the replica looks as the page does now; returns both for the assertion. */
async function replicaMatches(page: Page, agent: Page): Promise<{ page: Look; replica: Look | null }> {
  const want = await onPage(page);
  const replica = await replicaUntil<Look>(agent, LOOK, (v) => JSON.stringify(v) === JSON.stringify(want));
  return { page: want, replica };
}

/** Real focus in the agent's console: never inside the replica (it would take the agent's keyboard). */
const AGENT_FOCUS = `(() => {
  const host = document.querySelector('tandem-console');
  const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
  const frames = host ? Array.from(host.shadowRoot.querySelectorAll('.replica-layer iframe')) : [];
  return { inner: inner ? inner.tagName + '.' + inner.className : null, replicaHasFocus: frames.some((f) => f.contentDocument.hasFocus()),
    replicaActive: frames.map((f) => f.contentDocument.activeElement && f.contentDocument.activeElement.tagName) };
})()`;

const NO_RING = 'none';

describe('focus states reach the replica', () => {
  test('tab, click and blur on the page: the ring, floating label, :focus-within menu and :focus-visible follow in the replica', async () => {
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/focus-form.html');
    try {
      const idle = await replicaMatches(page, agent);
      assert.deepEqual(idle.replica, idle.page, 'nothing has focus: the replica looks as the page does');
      assert.ok(idle.page.name?.startsWith(NO_RING) && idle.page.menu === 'hidden' && idle.page.tips === 'none', JSON.stringify(idle.page));

      await page.click('#name');
      const clicked = await replicaMatches(page, agent);
      assert.ok(clicked.page.name?.startsWith('solid'), `the page draws the ring (${clicked.page.name})`);
      assert.deepEqual(clicked.replica, clicked.page, 'a click into a field: its ring, its floating label and the tips show in the replica');
      await agent.screenshot({ path: join(screenshotsDir, 'replica-focus-name.png') });

      await page.keyboard.press('Tab');
      const tabbed = await replicaMatches(page, agent);
      assert.ok(tabbed.page.email?.startsWith('solid') && tabbed.page.name?.startsWith(NO_RING), JSON.stringify(tabbed.page));
      assert.deepEqual(tabbed.replica, tabbed.page, 'Tab moves the ring and the floating label to the next field in the replica');

      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const menu = await replicaMatches(page, agent);
      assert.equal(menu.page.menu, 'visible', 'the menu opens on the page while its button has focus');
      assert.ok(menu.page.options?.startsWith('solid'), `keyboard focus on the button draws its ring (${menu.page.options})`);
      assert.deepEqual(menu.replica, menu.page, 'the :focus-within menu is open in the replica, the button\'s :focus-visible ring drawn');
      await agent.screenshot({ path: join(screenshotsDir, 'replica-focus-menu.png') });

      await page.click('#elsewhere');
      const blurred = await replicaMatches(page, agent);
      assert.equal(blurred.page.menu, 'hidden');
      assert.deepEqual(blurred.replica, blurred.page, 'a click elsewhere: the menu closes and no ring is left in the replica');

      // A mouse click on a button gives it focus but no :focus-visible ring on the page.
      await page.click('#options');
      const mouse = await replicaMatches(page, agent);
      assert.ok(mouse.page.menu === 'visible' && mouse.page.options?.startsWith(NO_RING), JSON.stringify(mouse.page));
      assert.deepEqual(mouse.replica, mouse.page, 'the menu opens in the replica, and its button has no ring there either');

      await page.evaluate(() => (document.activeElement as HTMLElement).blur());
      const none = await replicaMatches(page, agent);
      assert.deepEqual(none.replica, none.page, 'blur() from script: nothing has focus in the replica');
      assert.equal(none.replica?.menu, 'hidden');

      const agentFocus = await agent.evaluate(AGENT_FOCUS) as { replicaHasFocus: boolean; replicaActive: string[] };
      assert.equal(agentFocus.replicaHasFocus, false, `the replica never had real focus (${JSON.stringify(agentFocus)})`);
      assert.ok(agentFocus.replicaActive.every((tag) => tag === 'BODY'), `nothing is focused inside the replica (${JSON.stringify(agentFocus)})`);
    } finally {
      await close();
    }
  });

  test('an agent who joins after the customer focused a field sees it focused; CSSOM rules, shadow roots and frames follow too', async () => {
    const { callId, page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/focus-form.html');
    try {
      await replicaUntil<Look>(agent, LOOK, (v) => v !== null);
      // A rule added through the CSSOM after sharing started (it reaches the replica as a rule, not as CSS text).
      await page.evaluate(() => {
        const sheet = (document.getElementById('js-styles') as HTMLStyleElement).sheet!;
        sheet.insertRule('#coupon:focus { background-color: rgb(255, 245, 200); }', sheet.cssRules.length);
      });
      await page.click('#coupon');
      const coupon = await replicaMatches(page, agent);
      assert.equal(coupon.page.coupon, 'rgb(255, 245, 200)');
      assert.deepEqual(coupon.replica, coupon.page, 'a :focus rule inserted through the CSSOM applies in the replica');

      await page.click('#postcode');
      const shadow = await replicaMatches(page, agent);
      assert.ok(shadow.page.postcode?.startsWith('solid') && shadow.page.lookup === 'rgb(225, 245, 225)', JSON.stringify(shadow.page));
      assert.deepEqual(shadow.replica, shadow.page, 'focus inside an open shadow root: its ring and the host\'s :focus-within in the replica');

      await page.frameLocator('#gift').locator('input').click();
      const framed = await replicaMatches(page, agent);
      assert.equal(framed.page.note, 'solid');
      assert.deepEqual(framed.replica, framed.page, 'focus inside a same-origin frame: its ring in the replica');

      await page.click('#email');
      const watching = await replicaMatches(page, agent);
      assert.deepEqual(watching.replica, watching.page);

      // A fresh snapshot while the field keeps focus (no focus event follows it): the replica is
      // made wrong on purpose, the drift check asks the page for one, and it replaces the relay's.
      await inReplica(agent, "(doc) => doc.getElementById('elsewhere').remove()");
      await page.evaluate(() => document.body.append(Object.assign(document.createElement('p'), { id: 'later', textContent: 'Saved.' })));
      const healed = await replicaUntil<boolean>(agent, "(doc) => !!doc.getElementById('elsewhere') && !!doc.getElementById('later')", (v) => v === true);
      assert.equal(healed, true, 'the replica was rebuilt from a fresh snapshot');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'email', 'the field kept its focus on the page');
      const rebuilt = await replicaMatches(page, agent);
      assert.deepEqual(rebuilt.replica, rebuilt.page, 'the rebuilt replica shows the focused field');

      // A second agent opens the console now: their replica starts from that snapshot.
      const late = await agent.context().newPage();
      try {
        const token = (await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-8', conversationId: callId })).body;
        await late.goto(token.consoleUrl);
        const joined = await replicaMatches(page, late);
        await late.screenshot({ path: join(screenshotsDir, 'replica-focus-late.png') });
        assert.ok(joined.page.email?.startsWith('solid'));
        assert.deepEqual(joined.replica, joined.page, 'the late agent sees the field the customer is in, with its ring and floating label');
        assert.equal((await late.evaluate(AGENT_FOCUS) as { replicaHasFocus: boolean }).replicaHasFocus, false);
      } finally {
        await late.close();
      }
    } finally {
      await close();
    }
  });

  test('focus in a blocked region is not reported: the replica shows nothing focused, and only ids ever leave the page', async () => {
    let wire: WireWatch | undefined;
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/focus-form.html', {
      beforeOpen: async (p) => {
        wire = await watchWire(p);
      },
    });
    try {
      await page.click('#name');
      const inForm = await replicaUntil<number>(agent, '(doc) => doc.querySelectorAll(".\\\\:focus-within").length', (v) => (v ?? 0) > 0);
      assert.ok((inForm ?? 0) > 0, 'the field the customer clicked is focused in the replica');

      await page.click('#card');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'card');
      assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('tips')!).display), 'block', 'the page shows its tips');
      const blocked = await replicaUntil<number>(agent, '(doc) => doc.querySelectorAll(".\\\\:focus, .\\\\:focus-within").length', (v) => v === 0);
      assert.equal(blocked, 0, 'focus inside the blocked region: nothing is focused in the replica, not even its form');
      assert.equal(await inReplica<string>(agent, "(doc) => doc.defaultView.getComputedStyle(doc.getElementById('tips')).display"), 'none');

      const frames = wire!.frames();
      assert.ok(frames.every((f) => !f.unreadable), 'every frame the page sent was read');
      const reports = frames.flatMap((f) => [...f.text.matchAll(/"tag":"tandem\/focus","payload":(\{[^}]*\})/g)].map((m) => m[1]!));
      assert.ok(reports.length >= 2, `focus went out as reports (${reports.length})`);
      for (const report of reports) {
        assert.match(report, /^\{"focus":\[[\d,]*\],"visible":\[[\d,]*\]\}$/, `a report carries ids only: ${report}`);
      }
      assert.equal(reports[reports.length - 1], '{"focus":[],"visible":[]}', 'the report while the customer is in the blocked field names nothing');
    } finally {
      await wire?.stop();
      await close();
    }
  });
});
