// The agent console for agents who use a keyboard or a screen reader: axe-core finds nothing in
// its states (waiting, invite out with the code to read, a wrong code typed, the customer
// sharing), the invite is sent and a code claimed by keyboard alone, and the live status is in
// regions a screen reader announces.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeTandemUi, type AxeViolation } from './harness/a11y-audit.ts';
import { startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi } from './harness/tandem-ui.ts';

let stack: TandemStack;
let agentPage: Page;
let call: { id: string; customerId: string };

const none = (v: AxeViolation[], where: string) => assert.deepEqual(v, [], `axe found problems in ${where}: ${JSON.stringify(v, null, 1)}`);
const inConsole = <T>(fn: string) => agentPage.evaluate(`(() => { const root = document.querySelector('tandem-console').shadowRoot; ${fn} })()`) as Promise<T>;
const focusedId = () => inConsole<string>('return root.activeElement ? root.activeElement.id : ""');

before(async () => {
  stack = await startTandemStack();
  // A phone number, so the invite can go out (by SMS) before the customer is on a page.
  call = await stack.call({ phone: '+14155550123' });
  const token = await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id });
  agentPage = await (await stack.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await agentPage.goto(token.body.consoleUrl);
  await agentPage.locator('tandem-console #link-text', { hasText: 'Connected' }).waitFor({ timeout: 10_000 });
});

after(async () => {
  await stack?.close();
});

async function tabTo(id: string) {
  for (let i = 0; i < 40 && (await focusedId()) !== id; i++) await agentPage.keyboard.press('Tab');
  assert.equal(await focusedId(), id, `Tab never reached #${id}`);
}

describe('agent console, accessible', () => {
  test('waiting for the customer: axe clean', async () => {
    none(await axeTandemUi(agentPage, 'tandem-console'), 'the waiting console');
  });

  test('invite sent by keyboard; the code to read out is shown; axe clean', async () => {
    await tabTo('invite');
    await agentPage.keyboard.press('Enter');
    await agentPage.locator('tandem-console #code').filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
    none(await axeTandemUi(agentPage, 'tandem-console'), 'the console with an invite out');
  });

  test('a wrong code typed by keyboard: the message is in a status region; axe clean', async () => {
    await tabTo('claim');
    await agentPage.keyboard.type('000001');
    await agentPage.keyboard.press('Enter');
    await agentPage.locator('tandem-console #claim-msg').filter({ hasText: /\w/ }).waitFor({ timeout: 10_000 });
    assert.equal(await inConsole('return root.getElementById("claim-msg").getAttribute("role")'), 'status');
    none(await axeTandemUi(agentPage, 'tandem-console'), 'the console after a wrong code');
  });

  test('the customer shares: the status says so and axe finds nothing', async () => {
    stack.shop.setCustomer(call.customerId);
    const customer = await (await stack.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await customer.goto(stack.shop.url('/shop/account.html'));
    await customer.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
    await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
    const ui = await tandemUi(customer);
    await ui.waitFor('dialog [data-action="accept"]');
    await customer.waitForTimeout(450);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.started');
    await agentPage.locator('tandem-console #customer-text', { hasText: 'Customer connected' }).waitFor({ timeout: 15_000 });
    assert.equal(await inConsole('return root.getElementById("customer").getAttribute("role")'), 'status');
    none(await axeTandemUi(agentPage, 'tandem-console'), 'the console while the customer shares');
  });
});
