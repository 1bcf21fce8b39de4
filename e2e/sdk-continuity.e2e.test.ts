// Deep link, reload, navigation and a dropped connection, through the real server in Chromium:
// the SMS link opens the site with the secret in the fragment (gone from the address bar at once),
// the customer shares, and the same session carries on across pages without a new prompt — while
// none of the known leak classes ever leaves the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { AgentClient } from './harness/agent-client.ts';
import { driveLeaks, prepareLeaks, secretsIn } from './harness/leak-scenario.ts';
import { eventsOf, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';

let stack: TandemStack;
let page: Page;
let ui: TandemUi;
let wire: WireWatch;
let agent: AgentClient;
let call: { id: string; customerId: string };
let sessionId = '';

async function sessions() {
  return (await stack.server.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data as { id: string; state: string; endReason: string | null }[];
}

before(async () => {
  stack = await startTandemStack();
  call = await stack.call({ phone: '+1 415 555 0199' });
  // Whoever opens the SMS link need not be logged in to the site.
  stack.shop.setCustomer(null);
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  wire = await watchWire(page);
  agent = await stack.agent(call.id);
});

after(async () => {
  await stack?.close();
});

describe('continuity, through the server', () => {
  test('the SMS deep link opens the site, the fragment is removed at once, the prompt shows and Share starts the session', async () => {
    const res = await stack.server.api('POST', '/v1/invites', { conversationId: call.id, returnUrl: stack.shop.url('/shop/account.html?from=sms') });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.deliveries.map((d: { channel: string }) => d.channel), ['sms']);
    const secret = (res.body.link as string).split('/j/')[1]!;
    await page.goto(res.body.link);
    ui = await tandemUi(page);
    await ui.waitFor('dialog [data-action="accept"]');
    assert.equal(page.url(), stack.shop.url('/shop/account.html?from=sms'));
    assert.ok(!(await page.evaluate(() => location.href + history.length)).includes(secret));
    assert.ok((await ui.text('dialog')).includes(res.body.phrase));
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    sessionId = (await waitForEvent(stack.server, call.id, 'session.started')).sessionId!;
    await ui.waitFor('.banner [data-action="stop"]');
    await agent.waitForFrame((f) => f.kind === 'snapshot' && f.text.includes('Recent orders'));
  });

  test('a reload resumes the same session without a prompt, from a fresh snapshot', async () => {
    const snapshots = agent.frames().filter((f) => f.kind === 'snapshot').length;
    await page.reload();
    await ui.waitFor('.banner [data-action="stop"]');
    assert.equal(await ui.find('dialog'), null, 'a prompt was shown again');
    await agent.waitForFrame((f) => f.kind === 'snapshot' && agent.frames().filter((g) => g.kind === 'snapshot').indexOf(f) >= snapshots);
    const all = await sessions();
    assert.deepEqual(all.map((s) => [s.id, s.state]), [[sessionId, 'active']]);
    assert.equal((await eventsOf(stack.server, call.id)).filter((e) => e.type === 'invite.created').length, 1);
  });

  test('a navigation within the site resumes too, and no leak class ever leaves the page', async () => {
    await page.goto(stack.shop.url('/fixtures/leaks/index.html'));
    await ui.waitFor('.banner [data-action="stop"]');
    await agent.waitForFrame((f) => f.kind === 'snapshot' && f.text.includes('Checkout'));
    await prepareLeaks(page);
    await driveLeaks(page);
    // Frames leave in order: once the last unmasked value is at the agent, everything before is too.
    await page.locator('#city').press('End');
    await page.keyboard.type(' END');
    await agent.waitForFrame((f) => f.text.includes('Springfield END'));

    const pageSent = wire.frames().map((f) => f.text).join('\n');
    assert.ok(wire.frames().some((f) => f.compressed), 'no compressed frame: the search would prove nothing');
    assert.deepEqual(wire.frames().filter((f) => f.unreadable).length, 0, 'a compressed frame could not be inflated: the search would miss it');
    assert.ok(pageSent.includes('Name on card') && pageSent.includes('Widget note'), 'iframe and shadow content were not captured');
    assert.deepEqual(secretsIn(pageSent), [], 'a secret was sent by the page (CDP, inflated)');
    assert.deepEqual(secretsIn(agent.frames().map((f) => f.text).join('\n')), [], 'a secret reached the agent');
  });

  test('a dropped connection shows "reconnecting", comes back with a fresh snapshot in the same session', async () => {
    const snapshots = agent.frames().filter((f) => f.kind === 'snapshot').length;
    const linkUpdates = agent.messages().filter((m) => m.type === 'customer.link').length;
    stack.network.cut();
    await agent.waitFor('customer.link',
      (m) => m.state === 'reconnecting' && agent.messages().filter((x) => x.type === 'customer.link').indexOf(m) >= linkUpdates);
    const end = Date.now() + 5_000;
    while (!/Reconnecting/.test(await ui.text('.banner'))) {
      if (Date.now() > end) throw new Error('banner does not say reconnecting');
      await page.waitForTimeout(25);
    }
    stack.network.restore();
    await agent.waitForFrame((f) => f.kind === 'snapshot' && agent.frames().filter((g) => g.kind === 'snapshot').indexOf(f) >= snapshots, 20_000);
    assert.deepEqual((await sessions()).map((s) => s.state), ['active']);
  });

  test('on a resumed page the control decisions count: "Not now" is recorded, Allow grants, and the page is told', async () => {
    const snapshots = agent.frames().filter((f) => f.kind === 'snapshot').length;
    await page.reload();
    await ui.waitFor('.banner [data-action="stop"]');
    // The reloaded page's capture socket is attached once its new snapshot reaches the agent.
    await agent.waitForFrame((f) => f.kind === 'snapshot' && agent.frames().filter((g) => g.kind === 'snapshot').indexOf(f) >= snapshots, 20_000);
    agent.send({ type: 'control.request' });
    await ui.waitFor('dialog [data-action="decline"]');
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="decline"]');
    await waitForEvent(stack.server, call.id, 'session.control_declined');
    agent.send({ type: 'control.request' });
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.control_granted');
    const audit = (await stack.server.api('GET', `/v1/conversations/${call.id}/audit`)).body.data.map((e: { type: string }) => e.type);
    assert.ok(audit.includes('consent.control.declined') && audit.includes('consent.control.accepted'), audit.join(' '));
  });

  test('the call ends: the page hears it, the banner goes and nothing is left to resume', async () => {
    await stack.server.api('PUT', `/v1/conversations/${call.id}`, { state: 'disconnected' });
    assert.equal((await waitForEvent(stack.server, call.id, 'session.ended')).data.reason, 'call_ended');
    await ui.waitForGone('.banner');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tandem.session')), null);
    await page.reload();
    await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
    await page.waitForTimeout(300);
    assert.equal(await ui.find('.banner'), null);
  });

  test('Stop on a page that resumed after a reload ends the session with customer_stopped', async () => {
    const second = await stack.call({ phone: '+1 415 555 0198' });
    const res = await stack.server.api('POST', '/v1/invites', { conversationId: second.id, returnUrl: stack.shop.url('/shop/account.html') });
    await page.goto(res.body.link);
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, second.id, 'session.started');
    await ui.waitFor('.banner [data-action="stop"]');
    await page.reload();
    await ui.waitFor('.banner [data-action="stop"]');
    await page.waitForTimeout(300);
    await ui.click('.banner [data-action="stop"]');
    assert.equal((await waitForEvent(stack.server, second.id, 'session.ended')).data.reason, 'customer_stopped');
  });
});
