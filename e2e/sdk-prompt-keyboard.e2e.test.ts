// The prompt for people who use the keyboard, and the two code paths: Escape declines, Share is
// reachable and pressable by keyboard, and codes work both ways (agent -> customer and back).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTandemStack, waitForEvent, eventsOf, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';

let stack: TandemStack;
let page: Page;
let ui: TandemUi;
let call: { id: string; customerId: string };

before(async () => {
  stack = await startTandemStack();
  call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  page = await (await stack.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(stack.shop.url('/shop/account.html'));
  await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  ui = await tandemUi(page);
});

after(async () => {
  await stack?.close();
});

/** Which control of the prompt has the keyboard focus (inside the closed shadow root). */
async function focusedAction(): Promise<string | null> {
  return (await ui.evaluate('dialog', 'function () { const a = this.getRootNode().activeElement; return a ? a.getAttribute("data-action") : null; }')) as string
    | null;
}

describe('prompt by keyboard, and codes', () => {
  test('Escape declines: the dialer sees invite.declined and nothing is shared', async () => {
    const inv = (await stack.server.api('POST', '/v1/invites', { conversationId: call.id })).body;
    await ui.waitFor('dialog [data-action="accept"]');
    assert.equal(await ui.evaluate('dialog', 'function () { return this.getAttribute("role") || "dialog"; }'), 'dialog');
    await page.waitForTimeout(500);
    await page.keyboard.press('Escape');
    const declined = await waitForEvent(stack.server, call.id, 'invite.declined');
    assert.ok(declined);
    assert.equal((await stack.server.api('GET', `/v1/invites/${inv.id}`)).body.state, 'declined');
    await ui.waitForGone('dialog[open]');
  });

  test('Share is reached with Tab and pressed with Enter; focus stays in the dialog', async () => {
    await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    const seen = new Set<string | null>();
    for (let i = 0; i < 6; i++) {
      seen.add(await focusedAction());
      if ((await focusedAction()) === 'accept') break;
      await page.keyboard.press('Tab');
    }
    assert.equal(await focusedAction(), 'accept', `focus went through ${[...seen].join(', ')}`);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      assert.ok(['accept', 'decline'].includes((await focusedAction()) ?? ''), 'focus left the dialog');
    }
    while ((await focusedAction()) !== 'accept') await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const started = await waitForEvent(stack.server, call.id, 'session.started');
    await ui.waitFor('.banner [data-action="stop"]');
    await ui.click('.banner [data-action="stop"]');
    await waitForEvent(stack.server, call.id, 'session.ended');
    assert.ok(started.sessionId);
  });

  test('the customer reads a support code to the agent; claiming it shows the prompt on that page', async () => {
    const second = await stack.call();
    const code = (await page.evaluate(() => (window as unknown as { Tandem: { requestCode(): Promise<string> } }).Tandem.requestCode())) as string;
    assert.match(code, /^\d{10}$/);
    const claimed = await stack.server.api('POST', '/v1/invites/claim', { code, conversationId: second.id });
    assert.equal(claimed.status, 201, claimed.text);
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, second.id, 'session.started');
    await ui.click('.banner [data-action="stop"]');
    await waitForEvent(stack.server, second.id, 'session.ended');
  });

  test('the agent reads a code; the customer enters it and gets the prompt; a wrong code is refused', async () => {
    // The same signed-in customer, on a later call: an invite is for the customer it was made for.
    const third = await stack.call({ id: call.customerId });
    const inv = (await stack.server.api('POST', '/v1/invites', { conversationId: third.id, channels: ['code'] })).body;
    const wrong = await page.evaluate(() =>
      (window as unknown as { Tandem: { enterCode(c: string): Promise<void> } }).Tandem.enterCode('000001').then(() => 'ok', (e: { code?: string }) => e.code));
    assert.equal(wrong, 'invalid_code');
    await page.evaluate((c) => (window as unknown as { Tandem: { enterCode(c: string): Promise<void> } }).Tandem.enterCode(c), inv.code);
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, third.id, 'session.started');
    assert.ok((await eventsOf(stack.server, third.id)).some((e) => e.type === 'invite.opened'));
  });
});
