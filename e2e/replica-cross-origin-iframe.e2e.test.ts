// A payment widget on another origin, embedded in the shop's checkout, joins the customer's share:
// the SDK in the widget's frame (child mode, data-parent-origins) records only once the shop's
// Tandem tells it sharing started, masks in the frame, and posts to the shop's origin alone; the
// shop accepts frames only from the origins on its script tag (data-frame-origins). The agent
// sees the widget's copy inside the frame's box; the card number never leaves the widget's frame;
// a frame the shop did not allow stays an empty box, whatever it posts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { screenshotsDir, startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { replicaUntil, sharedPage } from './harness/replica-probe.ts';
import { startTestSite, type TestSite } from './harness/test-site.ts';
import { fixturesDir } from './harness/browser-bundles.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';

let stack: TandemStack;
let paySite: TestSite;
let chatSite: TestSite;
// The providers' frames are on `localhost`, the shop on 127.0.0.1: other origins, other sites.
let payOrigin: string;
let chatOrigin: string;

const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = CARD.replace(/ /g, '');
const BEFORE_SHARE = '5500 0000 0000 0004';

/** A widget server: its pages carry the SDK in child mode, naming the shop as their only parent. */
function widgetSite(): Promise<TestSite> {
  return startTestSite({ '/widget/': join(fixturesDir, 'widget') }, (html) =>
    html.replace('<!--tandem-frame-->', `<script src="${stack.network.url}/sdk.js" data-parent-origins="${stack.shop.origin}" async></script>`));
}

before(async () => {
  stack = await startTandemStack();
  [paySite, chatSite] = await Promise.all([widgetSite(), widgetSite()]);
  payOrigin = paySite.origin.replace('127.0.0.1', 'localhost');
  chatOrigin = chatSite.origin.replace('127.0.0.1', 'localhost');
});

after(async () => {
  stack?.shop.setScriptAttributes({});
  await paySite?.close();
  await chatSite?.close();
  await stack?.close();
});

interface Posted {
  origin: string;
  text: string;
}

/** Every message the shop's window received (recorded before any page script runs). */
function postedToShop(page: Page): Promise<Posted[]> {
  return page.evaluate(() => (window as unknown as { tandemTestPosted: Posted[] }).tandemTestPosted.slice());
}

/** In the replica: the text of the document rrweb built inside the frame with this id (null: no document or no text). */
const FRAME_TEXT = (id: string) => `(doc) => {
  const frame = doc.getElementById(${JSON.stringify(id)});
  const inner = frame && frame.contentDocument;
  if (!frame) return null;
  const r = frame.getBoundingClientRect();
  return { text: inner && inner.body ? inner.body.innerText : '', html: inner ? inner.documentElement.outerHTML : '',
    card: inner && inner.getElementById('card') ? inner.getElementById('card').value : null, width: r.width, height: r.height };
}`;
type FrameView = { text: string; html: string; card: string | null; width: number; height: number };

function payFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(payOrigin));
  if (!frame) throw new Error('the payment frame is not on the page');
  return frame;
}

describe('cross-origin iframes join the share', () => {
  test('the allowed payment widget shows in the replica with its card number masked in the frame; an unlisted frame stays empty; ' +
    'nothing is posted before Share or after Stop', async () => {
    stack.shop.setScriptAttributes({ 'data-frame-origins': payOrigin });
    const requests: string[] = [];
    const sockets: string[] = [];
    let wire: WireWatch | null = null;
    const { callId, page, console, close } = await sharedPage(stack, `/fixtures/shop/cross-origin-frames.html?pay=${payOrigin}&chat=${chatOrigin}`, {
      async beforeOpen(p) {
        await p.addInitScript(() => {
          if (window.top !== window) return;
          const posted: { origin: string; text: string }[] = [];
          (window as unknown as { tandemTestPosted: typeof posted }).tandemTestPosted = posted;
          addEventListener('message', (e) => posted.push({ origin: e.origin, text: JSON.stringify(e.data) }), true);
        });
        p.on('request', (r) => requests.push(r.url()));
        p.on('websocket', (ws) => sockets.push(new URL(ws.url()).pathname));
        wire = await watchWire(p);
      },
      async beforeShare(p) {
        // Both frames are up and their loaders ran (an async script holds its document's load).
        for (let i = 0; i < 100; i++) {
          const ready = await Promise.all([payOrigin, chatOrigin].map((origin) => {
            const frame = p.frames().find((f) => f.url().startsWith(origin));
            return frame ? frame.evaluate(() => document.readyState === 'complete').catch(() => false) : false;
          }));
          if (ready.every(Boolean)) break;
          await p.waitForTimeout(100);
        }
        await payFrame(p).locator('#card').pressSequentially(BEFORE_SHARE);
        await p.waitForTimeout(500);
        assert.ok(requests.some((u) => u.startsWith(`${stack.network.url}/sdk.js`)), 'the frames loaded the SDK');
        assert.deepEqual(requests.filter((u) => u.includes('/sdk/capture.js')), [], 'no capture code loaded anywhere before Share');
        assert.deepEqual((await postedToShop(p)).filter((m) => m.origin === payOrigin), [], 'the payment frame posted nothing before Share');
        assert.ok((await postedToShop(p)).some((m) => m.origin === chatOrigin), 'the unlisted frame does post (so ignoring it is tested)');
      },
    });
    try {
      // (a) The widget's copy, inside the frame's box in the replica.
      const shown = await replicaUntil<FrameView>(console, FRAME_TEXT('pay'), (v) => Boolean(v?.text.includes('Pay securely with Acme Pay')));
      assert.ok(shown && shown.text.includes('Pay securely with Acme Pay'),
        `the replica shows the widget's copy in its frame (${JSON.stringify(shown?.text)})`);
      assert.ok(shown.text.includes('Your card is charged only when the order ships.'));
      assert.equal(shown.width, 422, 'in the frame\'s own box');
      assert.ok(requests.some((u) => u.includes('/sdk/capture.js')), 'capture was loaded after Share');
      assert.deepEqual(sockets.sort(), ['/v1/capture', '/v1/visitor'], 'the shop\'s page opened its two sockets, the frames none');
      assert.ok((await postedToShop(page)).some((m) => m.origin === payOrigin && m.text.includes('Pay securely')), 'the widget posted its page to the shop');

      // Typed while sharing: it reaches the replica as a masked value of the same length.
      await payFrame(page).locator('#card').fill('');
      await payFrame(page).locator('#card').pressSequentially(CARD);
      const typed = await replicaUntil<FrameView>(console, FRAME_TEXT('pay'), (v) => v?.card === '*'.repeat(CARD.length));
      assert.equal(typed?.card, '*'.repeat(CARD.length), 'the agent sees the card field masked, as typed');

      // (c) The unlisted frame stays an empty box, its own page and its posted one alike.
      const chat = await replicaUntil<FrameView>(console, FRAME_TEXT('chat'), (v) => v !== null);
      assert.ok(chat && chat.width === 422, 'the unlisted frame keeps its box');
      assert.equal(chat.text, '', 'and shows nothing in it');
      assert.ok(!chat.html.includes('Rogue') && !chat.html.includes('Contoso'));

      // A late agent's replica is built from a fresh snapshot: the widget sends its page again.
      const late = await console.context().newPage();
      try {
        const token = (await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-8', conversationId: callId })).body;
        await late.goto(token.consoleUrl);
        const lateView = await replicaUntil<FrameView>(late, FRAME_TEXT('pay'), (v) => Boolean(v?.text.includes('Pay securely')));
        assert.ok(lateView?.text.includes('Pay securely with Acme Pay'), 'a late agent sees the widget too');
        await late.screenshot({ path: '/tmp/xoframe-replica-late.png' });
      } finally {
        await late.close();
      }

      await console.screenshot({ path: join(screenshotsDir, 'replica-cross-origin-iframe.png') });
      await console.screenshot({ path: '/tmp/xoframe-replica.png' });
      await page.screenshot({ path: '/tmp/xoframe-customer.png' });

      // (b) The card number never crossed the frame boundary, never left the shop's page, never reached the agent.
      const posted = await postedToShop(page);
      for (const secret of [CARD, CARD_DIGITS, BEFORE_SHARE, BEFORE_SHARE.replace(/ /g, '')]) {
        assert.ok(!posted.some((m) => m.origin === payOrigin && m.text.includes(secret)), `the widget posted ${secret} to the shop`);
      }
      const w = wire as WireWatch | null;
      assert.ok(w, 'the wire was watched');
      const frames = w.frames();
      assert.equal(frames.filter((f) => f.unreadable).length, 0, 'every frame the page sent could be inflated');
      const sent = w.sent().join('\n');
      assert.ok(sent.includes('Pay securely with Acme Pay'), 'the widget\'s copy went over the wire (the search reads the frames)');
      for (const secret of [CARD, CARD_DIGITS, BEFORE_SHARE, BEFORE_SHARE.replace(/ /g, '')]) {
        assert.ok(!sent.includes(secret), `the shop's page sent ${secret} (CDP, inflated)`);
      }
      assert.ok(!sent.includes('Rogue words') && !sent.includes('Contoso'), 'nothing of the unlisted frame was sent');
      const agentHtml = await console.evaluate(`(() => {
        const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe') ?? [];
        let all = '';
        for (const layer of layers) {
          const doc = layer.contentDocument;
          if (!doc) continue;
          all += doc.documentElement.outerHTML;
          for (const f of doc.querySelectorAll('iframe')) {
            if (f.contentDocument) all += f.contentDocument.documentElement.outerHTML + f.contentDocument.getElementById('card')?.value;
          }
        }
        return all;
      })()`) as string;
      assert.ok(agentHtml.includes('Pay securely'));
      for (const secret of [CARD, CARD_DIGITS, BEFORE_SHARE]) assert.ok(!agentHtml.includes(secret), `the agent's replica holds ${secret}`);

      // (d, after) Stop: the widget stops recording; what is typed next is not posted.
      await page.evaluate(() => (window as unknown as { Tandem: { stop(): void } }).Tandem.stop());
      await page.waitForTimeout(300);
      const atStop = (await postedToShop(page)).filter((m) => m.origin === payOrigin).length;
      await payFrame(page).locator('#card').pressSequentially('42');
      await payFrame(page).evaluate(() => document.body.append('Added after Stop'));
      await page.waitForTimeout(1000);
      assert.equal((await postedToShop(page)).filter((m) => m.origin === payOrigin).length, atStop, 'the widget posted nothing after Stop');
    } finally {
      await (wire as WireWatch | null)?.stop();
      await close();
    }
  });

  test('the widget joins only pages its tag names: another page that embeds it and says "start" gets nothing from it', async () => {
    const context = await stack.browser.newContext();
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.addInitScript(() => {
        if (window.top !== window) return;
        const posted: { origin: string; text: string }[] = [];
        (window as unknown as { tandemTestPosted: typeof posted }).tandemTestPosted = posted;
        addEventListener('message', (e) => posted.push({ origin: e.origin, text: JSON.stringify(e.data) }), true);
      });
      await page.goto(`${chatOrigin}/widget/evil-parent.html?pay=${payOrigin}`);
      for (let i = 0; i < 100 && !(await payFrame(page).evaluate(() => document.readyState === 'complete').catch(() => false)); i++) {
        await page.waitForTimeout(100);
      }
      // The widget does hear the page's "start" (counted in the frame), and answers nothing.
      await payFrame(page).evaluate(() => {
        const w = window as unknown as { tandemTestHeard: number };
        w.tandemTestHeard = 0;
        addEventListener('message', () => w.tandemTestHeard++);
      });
      await payFrame(page).locator('#card').pressSequentially(CARD);
      await page.waitForTimeout(1500);
      assert.ok(await payFrame(page).evaluate(() => (window as unknown as { tandemTestHeard: number }).tandemTestHeard) > 3, 'the page said start');
      assert.ok(requests.some((u) => u.startsWith(`${stack.network.url}/sdk.js`)), 'the widget has the SDK');
      assert.deepEqual(requests.filter((u) => u.includes('/sdk/capture.js')), [], 'the widget loaded no capture code');
      assert.deepEqual((await postedToShop(page)).filter((m) => m.origin === payOrigin), [], 'and posted nothing to that page');
    } finally {
      await context.close();
    }
  });
});
