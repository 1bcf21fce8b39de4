// A page that cannot show the consent prompt says so: the agent sees it in the console's timeline
// and the backend gets `invite.prompt_failed`, instead of both waiting on "delivered" forever.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventsOf, screenshotsDir, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

/** Opens `path` as the customer, invites them while the agent watches the console; returns the event and the console's text. */
async function inviteOn(path: string, shot: string) {
  const call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  const customer = await stack.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const agent = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await customer.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(stack.shop.url(path));
    const console = await agent.newPage();
    const token = (await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body;
    await console.goto(token.consoleUrl);
    // The page is reachable once its loader has said who it is; until then an invite finds no page.
    let invite: { status: number; body: { id: string; channels: string[] } } | undefined;
    for (let i = 0; i < 100; i++) {
      invite = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
      if (invite.status === 201) break;
      await page.waitForTimeout(100);
    }
    assert.equal(invite?.status, 201, 'the invite was pushed to the open page');
    const event = await waitForEvent(stack.server, call.id, 'invite.prompt_failed');
    await console.getByText('could not show the invite').first().waitFor({ timeout: 10_000 });
    await console.screenshot({ path: join(screenshotsDir, shot) });
    const state = (await stack.server.api('GET', `/v1/invites/${invite!.body.id}`)).body as { state: string };
    const types = (await eventsOf(stack.server, call.id)).map((e) => e.type);
    // The console draws in its own shadow root: read what the agent sees through the locator, which pierces it.
    const consoleText = await console.getByText('Send the link by SMS').first().innerText();
    return { event, state: state.state, pageErrors, types, consoleText };
  } finally {
    await customer.close();
    await agent.close();
  }
}

describe('a prompt the page cannot show is reported', () => {
  test('a page that took the SDK\'s element name: invite.prompt_failed (error), the console says so, the page keeps working', async () => {
    const r = await inviteOn('/fixtures/shop/element-name-taken.html', 'prompt-failed-console.png');
    assert.equal(r.event.data['reason'], 'error');
    assert.equal(r.state, 'delivered', 'the invite stays open for another channel');
    assert.match(r.consoleText, /Send the link by SMS or read the code aloud/);
    assert.deepEqual(r.pageErrors, [], 'the failure is not thrown into the page');
    assert.ok(!r.types.includes('invite.opened'));
  });

  test('a document that stays hidden: invite.prompt_failed (hidden), never invite.opened', async () => {
    const r = await inviteOn('/fixtures/shop/hidden-document.html', 'prompt-hidden-console.png');
    assert.equal(r.event.data['reason'], 'hidden');
    assert.equal(r.state, 'delivered');
    assert.ok(!r.types.includes('invite.opened'), 'a prompt nobody can see is never reported as seen');
  });
});
