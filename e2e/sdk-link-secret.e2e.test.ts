// The SMS link's secret in the page's fragment, through the real server in Chromium. Any script
// on the page can read the fragment before the SDK takes it out, so a link opens on one page only:
// a second page that opens it (the customer twice, or a third-party script that stole it) is
// refused with a clear message, and the agent's timeline shows the attempt. And a page whose
// <base> points at another origin (where replaceState with a relative URL throws) starts the
// link invite all the same.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { VisitorClient } from '../packages/server/test/visitor-client.ts';
import { eventsOf, screenshotsDir, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';

let stack: TandemStack;
let consolePage: Page | null = null;

async function newPage(): Promise<Page> {
  return (await stack.browser.newContext({ viewport: { width: 1100, height: 750 } })).newPage();
}

async function smsInvite(path = '/shop/account.html'): Promise<{ id: string; conversationId: string; link: string; secret: string }> {
  const call = await stack.call({ phone: '+1 415 555 0142' });
  const res = await stack.server.api('POST', '/v1/invites', { conversationId: call.id, returnUrl: stack.shop.url(path) });
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id, conversationId: call.id, link: res.body.link, secret: (res.body.link as string).split('/j/')[1]! };
}

/** The refusal the customer sees instead of a prompt. */
async function refusalShown(ui: TandemUi): Promise<string> {
  await ui.waitFor('.notice [data-action="dismiss"]');
  assert.equal(await ui.find('dialog'), null, 'a prompt was shown on the refused page');
  return ui.text('.notice');
}

/** The agent console's timeline for the call, as the agent reads it. */
async function agentTimeline(conversationId: string, wanted: string): Promise<string> {
  const token = await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId });
  consolePage ??= await newPage();
  // Only the fragment (the token) differs between calls: without a page in between, the browser
  // would keep the last call's console (a same-document navigation).
  await consolePage.goto('about:blank');
  await consolePage.goto(token.body.consoleUrl);
  const timeline = consolePage.locator('tandem-console #timeline');
  await timeline.filter({ hasText: wanted }).waitFor({ timeout: 10_000 });
  return (await timeline.textContent()) ?? '';
}

before(async () => {
  stack = await startTandemStack();
  // Whoever opens the SMS link need not be logged in to the site.
  stack.shop.setCustomer(null);
});

after(async () => {
  await stack?.close();
});

describe('the link secret', () => {
  test('a second page that opens the same link is refused with a clear message, the agent sees it, and the first page still shares', async () => {
    const inv = await smsInvite();
    const first = await newPage();
    await first.goto(inv.link);
    const firstUi = await tandemUi(first);
    await firstUi.waitFor('dialog [data-action="accept"]');

    const second = await newPage();
    await second.goto(inv.link);
    assert.ok(!second.url().includes(inv.secret), 'the fragment stays in the second page\'s address bar');
    const text = await refusalShown(await tandemUi(second));
    assert.match(text, /already open on another page/);
    assert.match(text, /ask the person you are speaking with for a new link/);
    await second.screenshot({ path: join(screenshotsDir, 'sdk-link-refused.png') });

    const refused = (await eventsOf(stack.server, inv.conversationId)).filter((e) => e.type === 'invite.link_refused');
    assert.equal(refused.length, 1);
    assert.match(await agentTimeline(inv.conversationId, 'Another page tried to open the link'), /refused/);

    await first.waitForTimeout(500);
    await firstUi.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, inv.conversationId, 'session.started');
    await first.context().close();
    await second.context().close();
  });

  test('a link opened where another customer is signed in: the customer is told what to do, the agent why nothing happens', async () => {
    const inv = await smsInvite();
    stack.shop.setCustomer('cust-someone-else');
    try {
      const page = await newPage();
      await page.goto(inv.link);
      const text = await refusalShown(await tandemUi(page));
      assert.match(text, /This link is for another customer/);
      assert.match(text, /Sign out and open the link again/);
      await page.screenshot({ path: join(screenshotsDir, 'sdk-link-other-customer.png') });
      const refused = (await eventsOf(stack.server, inv.conversationId)).filter((e) => e.type === 'invite.link_refused');
      assert.deepEqual(refused.map((e) => e.data['reason']), ['signed_in_as_another_customer']);
      assert.match(await agentTimeline(inv.conversationId, 'another customer is signed in'), /sign out of the site/);
      // The console never says the customer is looking at an invite whose opening was refused.
      const pill = consolePage!.locator('tandem-console #invite-state');
      await pill.filter({ hasText: 'Refused' }).waitFor({ timeout: 10_000 });
      assert.doesNotMatch((await pill.textContent()) ?? '', /looking/i);
      await consolePage!.screenshot({ path: join(screenshotsDir, 'agent-link-other-customer.png') });
      await page.context().close();
    } finally {
      stack.shop.setCustomer(null);
    }
  });

  test('a script that steals the secret and redeems it first cannot pass for the customer unnoticed', async () => {
    const inv = await smsInvite();
    const page = await newPage();
    // The loader arrives after the thief has used the secret: the worst case of the race.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/sdk.js', async (route) => {
      await held;
      await route.continue();
    });
    // A third-party script on the page reads the fragment before the async loader runs...
    await page.addInitScript(() => {
      (window as unknown as { stolen: string }).stolen = location.hash;
    });
    await page.goto(inv.link, { waitUntil: 'domcontentloaded' });
    const stolen = await page.evaluate(() => (window as unknown as { stolen: string }).stolen);
    const secret = /tandem=([^&]+)/.exec(stolen)?.[1];
    assert.equal(secret, inv.secret, 'the script could read the secret (the premise)');
    // ...and its server redeems it, claiming the shop's origin.
    const thief = await VisitorClient.connect(stack.server.url, stack.deployment.key, stack.shop.origin);
    assert.equal((await thief.request({ type: 'link.redeem', secret: secret!, page: 'f'.repeat(32) })).type, 'invite');
    release();

    const text = await refusalShown(await tandemUi(page));
    assert.match(text, /already open on another page/);
    assert.ok(!page.url().includes(inv.secret), 'the loader still took the secret out of the address bar');
    assert.match(await agentTimeline(inv.conversationId, 'Another page tried to open the link'), /refused/);
    thief.close();
    await page.context().close();
  });

  test('a page whose <base> is on another origin starts the link invite and loses the fragment', async () => {
    const inv = await smsInvite('/shop/cdn-base.html');
    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(inv.link);
    const ui = await tandemUi(page);
    await ui.waitFor('dialog [data-action="accept"]');
    assert.equal(await page.evaluate(() => document.baseURI), 'https://cdn.northwind.invalid/assets/');
    assert.equal(page.url(), stack.shop.url('/shop/cdn-base.html'));
    assert.deepEqual(errors, []);
    await page.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, inv.conversationId, 'session.started');
    await page.context().close();
  });
});
