// Before the customer says yes, the page tells Tandem only what it needs to route an invite. A page
// whose address carries secrets in its query (a password-reset token) and its fragment (an OAuth
// access token) loads the SDK, identifies, shows a pushed prompt and asks for a support code; then
// Chromium's own record of what the page sent to Tandem (WebSocket frames, the socket's handshake,
// every request to Tandem's origin with its headers) must hold neither.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CDPSession, Page } from 'playwright-core';
import { startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi } from './harness/tandem-ui.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';

const QUERY_SECRET = 'QUERYSECRET7c1e90';
const FRAGMENT_SECRET = 'FRAGMENTSECRET52ab4d';

let stack: TandemStack;
let page: Page;
let wire: WireWatch;
let cdp: CDPSession;
// Everything else Chromium says it sent to Tandem: socket URLs and handshakes, requests and headers.
const toTandem: string[] = [];

before(async () => {
  stack = await startTandemStack();
  const call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  wire = await watchWire(page);
  cdp = await context.newCDPSession(page);
  const tandemOrigin = new URL(stack.network.url).origin;
  const tandemHost = new URL(stack.network.url).host;
  cdp.on('Network.webSocketCreated', (e) => toTandem.push(`socket ${e.url}`));
  cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => toTandem.push(`handshake ${JSON.stringify(e.request.headers)}`));
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.startsWith(tandemOrigin)) toTandem.push(`request ${e.request.url} ${JSON.stringify(e.request.headers)}`);
  });
  // The headers Chromium actually put on the wire (Referer included) arrive in the extra info.
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    const host = (e.headers['Host'] ?? e.headers[':authority'] ?? '') as string;
    if (host === tandemHost) toTandem.push(`headers ${JSON.stringify(e.headers)}`);
  });
  await cdp.send('Network.enable');

  await page.goto(stack.shop.url(`/shop/account.html?reset_token=${QUERY_SECRET}&step=2#access_token=${FRAGMENT_SECRET}&state=x`));
  await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  const end = Date.now() + 10_000;
  while (!wire.received().some((t) => t.includes('"identified"'))) {
    if (Date.now() > end) throw new Error('the page never identified');
    await page.waitForTimeout(25);
  }
  // Everything a page does before consent: a pushed invite shown, and a support code asked for.
  const invite = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
  assert.equal(invite.status, 201, invite.text);
  const ui = await tandemUi(page);
  await ui.waitFor('dialog [data-action="accept"]');
  await waitForEvent(stack.server, call.id, 'invite.opened');
  const code = await page.evaluate(() => (window as unknown as { Tandem: { requestCode(): Promise<string> } }).Tandem.requestCode());
  assert.match(code, /\d/);
});

after(async () => {
  await cdp?.detach().catch(() => {});
  await wire?.stop().catch(() => {});
  await stack?.close();
});

describe('before consent', () => {
  test('the page URL keeps its query and fragment (control: the secrets are really there)', async () => {
    const href = await page.evaluate(() => location.href);
    assert.ok(href.includes(QUERY_SECRET) && href.includes(FRAGMENT_SECRET), href);
    assert.ok(wire.frames().length >= 3, 'the page sent its visitor messages');
    assert.ok(toTandem.some((s) => s.startsWith('handshake')), 'the socket handshake was seen');
    assert.ok(toTandem.some((s) => s.startsWith('request') && s.includes('/sdk.js')), 'the loader request was seen');
  });

  test('no frame the page sent holds the page\'s query or fragment, nor its address at all', () => {
    const sent = wire.frames().map((f) => f.text);
    for (const text of sent) {
      assert.ok(!text.includes(QUERY_SECRET), `the query left the page: ${text}`);
      assert.ok(!text.includes(FRAGMENT_SECRET), `the fragment left the page: ${text}`);
      assert.ok(!text.includes('/shop/account.html'), `the page's address left the page: ${text}`);
    }
    const hello = JSON.parse(sent[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(hello).sort(), ['seq', 'type', 'v']);
  });

  test('neither the socket handshake nor any request to Tandem carries them', () => {
    for (const line of toTandem) {
      assert.ok(!line.includes(QUERY_SECRET), `the query reached Tandem: ${line}`);
      assert.ok(!line.includes(FRAGMENT_SECRET), `the fragment reached Tandem: ${line}`);
    }
  });
});
