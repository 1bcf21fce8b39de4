// A replica that went wrong without any gap in the stream heals by itself: the page sends a
// checksum of its tree now and then, the console compares it with the replica's and asks for a
// fresh snapshot when they differ. Tested by corrupting the replica on purpose.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { inReplica, replicaUntil, sharedPage } from './harness/replica-probe.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';
import { DRIFT_CHECK_EVENT } from '@tandem/protocol/wire';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

/** What the page is asked for (snapshot.request), as its capture socket receives it, from now on. */
async function snapshotRequests(page: Page): Promise<string[]> {
  const requests: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string; opcode: number } }) => {
    if (e.response.opcode === 1 && e.response.payloadData.includes('snapshot.request')) requests.push(e.response.payloadData);
  });
  return requests;
}

describe('drift healing', () => {
  test('an element removed from the replica behind the stream\'s back comes back with a fresh snapshot; an intact replica asks for none', async () => {
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/standards-layout.html');
    let requests: string[] = [];
    try {
      await replicaUntil<boolean>(agent, "(doc) => !!doc.getElementById('title')", (v) => v === true);
      // What the page is asked for, as its capture socket receives it.
      requests = await snapshotRequests(page);

      // Changes on the page: each settles into a checksum that must agree with the replica.
      for (let i = 0; i < 3; i++) {
        await page.evaluate((n) => {
          const p = document.createElement('p');
          p.className = 'note';
          p.textContent = `Note ${n}`;
          document.body.append(p);
        }, i);
        await page.waitForTimeout(700);
      }
      await replicaUntil<number>(agent, "(doc) => doc.querySelectorAll('p.note').length", (v) => v === 3);
      await page.waitForTimeout(1_500);
      assert.equal(requests.length, 0, `an intact replica agrees with the page: no snapshot is asked for (${requests.join(' ')})`);

      // Corrupt the replica: the element is gone there and nothing in the stream says so.
      const removed = await inReplica<boolean>(agent, "(doc) => { const el = doc.getElementById('title'); el?.remove(); return !!el; }");
      assert.equal(removed, true);
      const corruptedAt = Date.now();
      // The next change on the page settles into a checksum that no longer agrees.
      await page.evaluate(() => document.body.append(Object.assign(document.createElement('p'), { className: 'note', textContent: 'Note 3' })));
      const healed =
        await replicaUntil<boolean>(agent, "(doc) => !!doc.getElementById('title') && doc.querySelectorAll('p.note').length === 4", (v) => v === true);
      assert.equal(healed, true, 'the replica has the element again');
      console.log(`drift healed ${Date.now() - corruptedAt} ms after the corruption (1 s settle included)`);
      assert.ok(requests.some((r) => r.includes('agent_drift')), `the page was asked for a fresh snapshot because of drift (${requests.join(' ')})`);
    } finally {
      await close();
    }
  });

  test('a page that never settles (a ticker every 200 ms): a replica corrupted meanwhile heals within seconds, not at the next quiet check', async () => {
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/standards-layout.html');
    let requests: string[] = [];
    try {
      await replicaUntil<boolean>(agent, "(doc) => !!doc.getElementById('title')", (v) => v === true);
      requests = await snapshotRequests(page);
      // The page changes every 200 ms and stops by itself after 30 s: it never settles for the 1 s
      // that a settled burst's check waits for.
      await page.evaluate(() => {
        const ticker = document.body.appendChild(Object.assign(document.createElement('p'), { id: 'ticker', textContent: 'tick 0' }));
        let n = 0;
        const timer = setInterval(() => {
          ticker.textContent = `tick ${++n}`;
          if (n >= 150) clearInterval(timer);
        }, 200);
      });
      await replicaUntil<boolean>(agent, "(doc) => /tick [1-9]/.test(doc.getElementById('ticker')?.textContent ?? '')", (v) => v === true);
      const removed = await inReplica<boolean>(agent, "(doc) => { const el = doc.getElementById('title'); el?.remove(); return !!el; }");
      assert.equal(removed, true);
      const corruptedAt = Date.now();
      const healed = await replicaUntil<boolean>(agent, "(doc) => !!doc.getElementById('title')", (v) => v === true);
      const tookMs = Date.now() - corruptedAt;
      assert.equal(healed, true, 'the replica has the element again while the page is still changing');
      console.log(`drift on a busy page healed ${tookMs} ms after the corruption`);
      const ticks = await page.evaluate(() => Number(document.getElementById('ticker')!.textContent!.split(' ')[1]));
      assert.ok(ticks < 150, `the page was still changing when the replica healed (tick ${ticks})`);
      assert.ok(requests.some((r) => r.includes('agent_drift')), `the page was asked for a fresh snapshot because of drift (${requests.join(' ')})`);
      // And the replica follows the ticker again.
      assert.equal(await replicaUntil<boolean>(agent,
        "(doc) => Number(doc.getElementById('ticker')?.textContent?.split(' ')[1]) > " + String(ticks), (v) => v === true), true);
    } finally {
      await close();
    }
  });

  test('a React app driven by the customer (typing, filtering, clearing): the replica agrees with the page, no snapshot is asked for', async () => {
    let wire: WireWatch | null = null;
    const { page, close } = await sharedPage(stack, '/fixtures/apps/react-orders/index.html', {
      beforeOpen: async (p) => {
        wire = await watchWire(p);
      },
    });
    let requests: string[] = [];
    // The page's checksums so far, in its sent frames (inflated).
    const checksSent = () => wire!.sent().reduce((n, text) => n + text.split(DRIFT_CHECK_EVENT).length - 1, 0);
    try {
      requests = await snapshotRequests(page);
      await page.getByText('Walnut desk').first().waitFor();
      await page.locator('#search').click();
      await page.keyboard.type('desk');
      await page.check('#open-only');
      // Typing on for 7 s, a key every 190 ms: longer than the busy period, so checks are also
      // made while React keeps re-rendering the list, and each must agree.
      await page.locator('#search').fill('');
      await page.waitForTimeout(1_500);
      const before = checksSent();
      await page.keyboard.type('walnut desk lamp oak chair shelf desk', { delay: 190 });
      assert.ok(checksSent() > before, 'the page was checked while the customer was still typing');
      await page.waitForTimeout(1_500);
      await page.locator('#clear-filters').click();
      await page.waitForTimeout(2_500);
      const drift = requests.filter((r) => r.includes('agent_drift'));
      assert.equal(drift.length, 0, `no drift on a live React app (${drift.join(' ')})`);
    } finally {
      await (wire as WireWatch | null)?.stop();
      await close();
    }
  });
});
