// The console hands each event to rrweb's live Replayer through its feed
// (packages/agent/src/replica-live-feed.ts), which applies it before returning instead of on the
// next animation frame. These tests hold it to rrweb's own order and rules in a real Chromium:
// a snapshot and the changes handed over with it in one task (the console catching up on what its
// early link received) show in that order, a change not yet due still waits for rrweb's clock,
// and one event rrweb cannot apply does not stop the next.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness/chromium.ts';
import { startTestSite, type TestSite } from './harness/test-site.ts';
import { buildBrowserBundles, testSiteMounts } from './harness/browser-bundles.ts';

let browser: Browser;
let site: TestSite;

before(async () => {
  await buildBrowserBundles();
  [browser, site] = await Promise.all([launchChromium(), startTestSite(testSiteMounts())]);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

async function openFeed(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(site.url('/fixtures/browser/live-feed.html'));
  await page.waitForFunction(() => 'liveFeedTest' in window);
  await page.evaluate(() => window.liveFeedTest.start());
  return page;
}

test('a snapshot and the changes after it, handed over in one task, are each in the replica when add() returns, in order', async () => {
  const page = await openFeed();
  try {
    const { shown, framesAsked } = await page.evaluate(() => window.liveFeedTest.showThenChange(['m1', 'm2', 'm3']));
    assert.deepEqual(shown, ['m0', 'm1', 'm2', 'm3']);
    assert.equal(framesAsked, 0, 'no animation frame was asked for to apply them');
    // Nothing left for rrweb's own tick to do differently.
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => window.liveFeedTest.text()), 'm3');
  } finally {
    await page.close();
  }
});

test("a change stamped ahead of rrweb's live clock is applied by rrweb's own tick once due", async () => {
  const page = await openFeed();
  try {
    await page.evaluate(() => window.liveFeedTest.showThenChange(['m1']));
    assert.equal(await page.evaluate(() => window.liveFeedTest.changeLater('later', 300)), 'm1', 'not due yet');
    const end = Date.now() + 5_000;
    let text: string | null = null;
    while (Date.now() < end && (text = await page.evaluate(() => window.liveFeedTest.text())) !== 'later') await page.waitForTimeout(25);
    assert.equal(text, 'later');
  } finally {
    await page.close();
  }
});

test('an event whose listener throws is reported, and the next one is still applied at once', async () => {
  const page = await openFeed();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.evaluate(() => window.liveFeedTest.showThenChange(['m1']));
    assert.equal(await page.evaluate(() => window.liveFeedTest.failingThenChange('m2')), 'm2');
    await page.waitForTimeout(50);
    assert.deepEqual(errors, ['listener failed'], 'the failure was reported');
    // rrweb's clock still runs: a change due later is applied by its tick.
    await page.evaluate(() => window.liveFeedTest.changeLater('later', 100));
    const end = Date.now() + 5_000;
    while (Date.now() < end && (await page.evaluate(() => window.liveFeedTest.text())) !== 'later') await page.waitForTimeout(25);
    assert.equal(await page.evaluate(() => window.liveFeedTest.text()), 'later');
  } finally {
    await page.close();
  }
});
