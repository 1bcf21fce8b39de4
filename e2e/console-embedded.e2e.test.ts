// <tandem-console> embedded in an agent desktop that sends no Content-Security-Policy, watching a
// hostile customer page through the real server: the page's <object>, <embed>, prefetch link,
// <base> and referrer <meta> are live on the customer's side (the control), and in the agent's
// browser not one request for a document of the page's choosing leaves the desk, the replica's
// base URL stays the console's, and the replica still shows the page's content and boxes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fixturesDir } from './harness/browser-bundles.ts';
import { screenshotsDir, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi } from './harness/tandem-ui.ts';
import { startTestSite, type TestSite } from './harness/test-site.ts';

const CHOSEN = '/customer-chosen/';

let stack: TandemStack;
let desk: TestSite;
let customer: Page;
let deskPage: Page;
// Every request Chromium made for each page, its frames included.
const customerRequests: string[] = [];
const deskRequests: string[] = [];

function replica<T>(read: string): Promise<T> {
  // A string, not a function: the page gets exactly this code, with no build-tool helpers in it.
  return deskPage.evaluate(`(() => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
    const doc = layers?.[layers.length - 1]?.contentDocument;
    return doc ? (${read})(doc) : null;
  })()`) as Promise<T>;
}

before(async () => {
  stack = await startTandemStack();
  const call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  const token = await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id });
  assert.equal(token.status, 201, token.text);
  desk = await startTestSite({ '/desk/': join(fixturesDir, 'desk') }, (html) => html.replace('<!--console-->',
    `<script type="module">import { defineTandemConsole } from '${stack.server.url}/agent/tandem-console.js'; defineTandemConsole();</script>\n` +
    `<tandem-console server="${stack.server.url}" token="${token.body.token as string}" style="display:block;height:calc(100vh - 41px)"></tandem-console>`));

  customer = await (await stack.browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
  customer.on('request', (r) => customerRequests.push(r.url()));
  deskPage = await (await stack.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  deskPage.on('request', (r) => deskRequests.push(r.url()));
  await deskPage.goto(desk.url('/desk/index.html'));
  await deskPage.waitForFunction(() => document.querySelector('tandem-console')?.shadowRoot?.getElementById('link-text')?.textContent === 'Connected',
    undefined, { timeout: 15_000 });

  await customer.goto(stack.shop.url('/shop/hostile.html'));
  await customer.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  const ui = await tandemUi(customer);
  const end = Date.now() + 10_000;
  // The page must be identified before the invite can be pushed to it.
  for (;;) {
    const invite = await stack.server.api('POST', '/v1/invites', { conversationId: call.id, channels: ['push'] });
    if (invite.status === 201) break;
    if (Date.now() > end) throw new Error(`no push invite: ${invite.text}`);
    await customer.waitForTimeout(100);
  }
  await ui.waitFor('dialog [data-action="accept"]');
  await customer.waitForTimeout(500);
  await ui.click('dialog [data-action="accept"]');
  await waitForEvent(stack.server, call.id, 'session.started');
  await deskPage.waitForFunction(() => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
    const iframe = layers?.[layers.length - 1] as HTMLIFrameElement | undefined;
    return iframe?.contentDocument?.body?.innerText.includes('Late review: fits well.') ?? false;
  }, undefined, { timeout: 15_000 });
  // Whatever the replica would load has had time to be asked for.
  await deskPage.waitForTimeout(1_000);
});

after(async () => {
  await stack?.close();
  await desk?.close();
});

describe('the console embedded in a desk page without CSP', () => {
  test('on the customer\'s own page the payloads are live (control)', () => {
    for (const path of ['object.html', 'embed.html']) {
      assert.ok(customerRequests.some((u) => u.includes(CHOSEN + path)), `the customer page did not load ${path}: ${customerRequests.join(' ')}`);
    }
  });

  test('the desk fetches no document of the customer\'s choosing', () => {
    assert.ok(deskRequests.some((u) => u.includes('/agent/tandem-console.js')), 'the desk\'s requests were not seen');
    assert.deepEqual(deskRequests.filter((u) => u.includes(CHOSEN)), []);
    // Nothing the replica holds is a document loaded from anywhere.
    const frames = deskPage.frames().map((f) => f.url()).filter((u) => u.includes(CHOSEN));
    assert.deepEqual(frames, []);
  });

  test('no base takes effect in the replica', async () => {
    const base = await replica<{ baseURI: string; bases: number; hrefs: (string | null)[] }>(
      '(doc) => ({ baseURI: doc.baseURI, bases: doc.querySelectorAll("base").length, hrefs: [...doc.querySelectorAll("base")].map((b) => ' +
        'b.getAttribute("href")) })');
    assert.ok(base, 'no replica');
    assert.ok(!base.baseURI.includes(CHOSEN), `the replica's base moved to ${base.baseURI}`);
    assert.deepEqual(base.hrefs.filter((h) => h !== null), []);
  });

  test('the replica keeps the page\'s content and the boxes of what it no longer loads', async () => {
    const shown = await replica<{ text: string; object: string | null; embed: string | null }>(
      '(doc) => ({ text: doc.body.innerText, object: doc.getElementById("widget-object")?.getAttribute("width") ?? null, embed: ' +
        'doc.getElementById("widget-embed")?.getAttribute("height") ?? null })');
    assert.ok(shown?.text.includes('Best socks I ever bought.'), shown?.text);
    assert.equal(shown?.object, '220');
    assert.equal(shown?.embed, '60');
    await deskPage.screenshot({ path: join(screenshotsDir, 'console-embedded-hostile.png') });
  });
});
