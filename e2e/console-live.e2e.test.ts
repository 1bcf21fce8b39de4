// The whole live path with both real UIs, through the server, in Chromium: the customer's page
// (SDK) and the agent console page (/console). The customer says yes in the SDK's prompt; the
// agent watches DOM edits, typing and scrolling in the replica, points, takes control after a
// second yes, and a hostile page runs nothing in the console.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshotsDir, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';

let stack: TandemStack;
let customerContext: BrowserContext;
let agentContext: BrowserContext;
let customer: Page;
let consolePage: Page;
let ui: TandemUi;
let call: { id: string; customerId: string };

const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshotsDir, name) });

/** Text of the newest replica iframe inside the console's shadow root. */
function replicaText(): Promise<string> {
  return consolePage.evaluate(() => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
    const iframe = layers?.[layers.length - 1] as HTMLIFrameElement | undefined;
    return iframe?.contentDocument?.body?.innerText ?? '';
  });
}

async function replicaShows(text: string | RegExp, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = await replicaText();
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`the replica never showed ${text}; it shows: ${last.slice(0, 300)}`);
}

/** The value of a field in the replica, by element id. */
function replicaValue(id: string): Promise<string | null> {
  return consolePage.evaluate((id) => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
    const iframe = layers?.[layers.length - 1] as HTMLIFrameElement | undefined;
    return (iframe?.contentDocument?.getElementById(id) as HTMLInputElement | null)?.value ?? null;
  }, id);
}

/** Where an element of the replica is on the agent's screen. */
function replicaPoint(selector: string): Promise<{ x: number; y: number }> {
  return consolePage.evaluate((sel) => {
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    const layers = root.querySelectorAll('.replica-layer iframe');
    const iframe = layers[layers.length - 1] as HTMLIFrameElement;
    const frame = iframe.getBoundingClientRect();
    const r = iframe.contentDocument!.querySelector(sel)!.getBoundingClientRect();
    const scale = frame.width / iframe.offsetWidth;
    return { x: frame.left + (r.left + r.width / 2) * scale, y: frame.top + (r.top + r.height / 2) * scale };
  }, selector);
}

before(async () => {
  stack = await startTandemStack();
  call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  customerContext = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  agentContext = await stack.browser.newContext({ viewport: { width: 1440, height: 900 } });
  customer = await customerContext.newPage();
  consolePage = await agentContext.newPage();
  await customer.goto(stack.shop.url('/shop/account.html'));
  await customer.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  ui = await tandemUi(customer);
  const token = await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id });
  await consolePage.goto(token.body.consoleUrl);
});

after(async () => {
  await stack?.close();
});

describe('agent console and customer page, live through the server', () => {
  test('the agent invites from the console; the prompt shows the phrase the console shows; Share starts the replica', async () => {
    await consolePage.locator('tandem-console #invite').click();
    // The phrase element is in the markup from the start, empty until the invite's answer fills it.
    const phraseEl = consolePage.locator('tandem-console #phrase');
    await phraseEl.filter({ hasText: /\S{2}/ }).waitFor({ timeout: 10_000 });
    const phrase = (await phraseEl.textContent())!.trim();
    assert.ok(phrase.length > 3, 'the console shows the matching phrase');
    await ui.waitFor('dialog [data-action="accept"]');
    assert.ok((await ui.text('dialog')).toLowerCase().includes(phrase.replace(/["“”]/g, '').toLowerCase()), 'the prompt shows the same phrase');
    await customer.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.started');
    await replicaShows('Recent orders');
    const timeline = await consolePage.locator('tandem-console #timeline').textContent();
    assert.match(timeline!, /Customer accepted/);
    assert.match(timeline!, /Cobrowse started/);
    await shot(consolePage, 'console-live-replica.png');
  });

  test('DOM edits and typing show in the replica; masked fields never do', async () => {
    await customer.click('#add-item');
    await replicaShows('Reordered: 1 item.');
    await customer.click('#city');
    await customer.keyboard.type('Springfield');
    const end = Date.now() + 10_000;
    while ((await replicaValue('city')) !== 'Springfield') {
      if (Date.now() > end) assert.fail(`city in the replica: ${await replicaValue('city')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await customer.click('#card');
    await customer.keyboard.type('4111111111111111');
    await customer.click('#password');
    await customer.keyboard.type('hunter2-SECRET');
    await customer.click('#city');
    await customer.keyboard.type(' North');
    await replicaShows(/./);
    while ((await replicaValue('city')) !== 'Springfield North') {
      if (Date.now() > end + 5000) assert.fail('typing after the masked fields did not arrive');
      await new Promise((r) => setTimeout(r, 50));
    }
    const card = await replicaValue('card');
    const password = await replicaValue('password');
    assert.ok(!card?.includes('4111'), `card number in the replica: ${card}`);
    assert.ok(!password?.includes('hunter2'), `password in the replica: ${password}`);
  });

  test('the replica follows the customer scrolling', async () => {
    await customer.evaluate(() => window.scrollTo(0, 600));
    const end = Date.now() + 10_000;
    for (;;) {
      const y = await consolePage.evaluate(() => {
        const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
        const iframe = layers?.[layers.length - 1] as HTMLIFrameElement | undefined;
        return iframe?.contentWindow?.scrollY ?? 0;
      });
      if (y >= 500) break;
      if (Date.now() > end) assert.fail(`replica scrollY stayed at ${y}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await customer.evaluate(() => window.scrollTo(0, 0));
  });

  test("the agent's pointer shows on the customer's page", async () => {
    // Pointer is the console's default tool; the button toggles it.
    if ((await consolePage.locator('tandem-console #tool-pointer').getAttribute(
      'aria-pressed')) !== 'true') await consolePage.locator('tandem-console #tool-pointer').click();
    const surface = (await consolePage.locator('tandem-console .replica-surface').boundingBox())!;
    const target = { x: surface.x + surface.width / 2, y: surface.y + surface.height / 3 };
    await consolePage.mouse.move(target.x, target.y, { steps: 5 });
    const end = Date.now() + 10_000;
    for (;;) {
      const shown = await ui.evaluate('[data-agent-pointer]', 'function () { return !this.hidden; }').catch(() => false);
      if (shown) break;
      if (Date.now() > end) assert.fail('no agent pointer on the customer page');
      await new Promise((r) => setTimeout(r, 50));
    }
    await shot(customer, 'console-live-customer-pointer.png');
  });

  test('control: a second yes, then the agent clicks in the replica and the page reacts', async () => {
    await consolePage.locator('tandem-console #control').click();
    await ui.waitFor('dialog [data-action="accept"]');
    await customer.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.control_granted');
    await consolePage.waitForFunction(() => /Control on/.test(
      document.querySelector('tandem-console')!.shadowRoot!.querySelector('#control-text')!.textContent ?? ''), undefined, { timeout: 10_000 });
    const before = await customer.locator('#orders li').count();
    const button = await replicaPoint('#add-item');
    await consolePage.mouse.click(button.x, button.y);
    await customer.waitForFunction((n) => document.querySelectorAll('#orders li').length > n, before, { timeout: 10_000 });
    await replicaShows('Reordered: 1 item.');
    await shot(consolePage, 'console-live-control.png');
  });

  test('a hostile page runs no script in the console, while its content still shows', async () => {
    await customer.goto(stack.shop.url('/shop/hostile.html'));
    assert.equal(await customer.evaluate(() => (window as unknown as { __hostileRanOnPage?: boolean }).__hostileRanOnPage), true,
      'the payloads are live on the page');
    await replicaShows('Late review: fits well.', 15_000);
    await replicaShows('Best socks I ever bought.');
    await consolePage.waitForTimeout(500);
    // A string, not a function: the page gets exactly this code, with no build-tool helpers in it.
    const pwned = await consolePage.evaluate(`(() => {
      const found = [];
      const visit = (w) => {
        try {
          if (w.__pwned) found.push(...w.__pwned);
          for (let i = 0; i < w.frames.length; i++) visit(w.frames[i]);
        } catch (e) {}
      };
      visit(window);
      return found;
    })()`);
    assert.deepEqual(pwned, []);
    const sandboxes = await consolePage.evaluate(() =>
      [...document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('iframe')].map((f) => f.getAttribute('sandbox')));
    assert.ok(sandboxes.length > 0 && sandboxes.every((s) => s !== null && !s.includes('allow-scripts')), JSON.stringify(sandboxes));
  });

  test('ending from the console ends the session for everyone', async () => {
    await consolePage.locator('tandem-console #end').click();
    await consolePage.locator('tandem-console #end').click();
    assert.equal((await waitForEvent(stack.server, call.id, 'session.ended')).data.reason, 'agent_ended');
    await ui.waitForGone('.banner');
  });
});
