// The agent's view: the captured stream replayed live by rrweb's Replayer in a page on another
// origin, inside an iframe that may not run scripts. What the customer sees, the agent sees,
// except what is masked (asterisks) or blocked (a box of the same size).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness/chromium.ts';
import { startTestSite } from './harness/test-site.ts';
import type { TestSite } from './harness/test-site.ts';
import { startFrameSink } from './harness/frame-sink.ts';
import type { FrameSink } from './harness/frame-sink.ts';
import { buildBrowserBundles, e2eDir, testSiteMounts } from './harness/browser-bundles.ts';
import { openReplica } from './harness/replica-viewer.ts';
import type { ReplicaViewer } from './harness/replica-viewer.ts';
import { compareMaskedText } from './harness/text-compare.ts';

const BLOCKED = '[data-tandem-block]';
const screenshots = join(e2eDir, 'screenshots');

let browser: Browser;
let customerSite: TestSite;
let agentSite: TestSite;
let sink: FrameSink;
let customer: Page;
let replica: ReplicaViewer;

async function replicaMatchesPage(label: string): Promise<void> {
  const pageText = await customer.evaluate((skip) => window.tandemTest.visibleText(skip), BLOCKED);
  const replicaText = await replica.settleText((text) => compareMaskedText(pageText, text).same, { skip: BLOCKED });
  const comparison = compareMaskedText(pageText, replicaText);
  assert.ok(comparison.same, `${label}: replica differs from page:\n${comparison.mismatches.join('\n')}`);
}

before(async () => {
  await buildBrowserBundles();
  await mkdir(screenshots, { recursive: true });
  [browser, customerSite, agentSite, sink] = await Promise.all([
    launchChromium(),
    startTestSite(testSiteMounts()),
    startTestSite(testSiteMounts()),
    startFrameSink(),
  ]);
  const customerContext = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  customer = await customerContext.newPage();
  await customer.goto(customerSite.url('/fixtures/account/index.html'));
  await customer.waitForFunction(() => 'tandemTest' in window);
  await customer.evaluate((url) => window.tandemTest.start(url), sink.captureUrl);
  replica = await openReplica(browser, agentSite, sink.viewUrl);
});

after(async () => {
  await browser?.close();
  await Promise.all([customerSite?.close(), agentSite?.close(), sink?.close()]);
});

test('the replica runs in an iframe sandboxed without allow-scripts', async () => {
  const sandbox = await replica.page.evaluate(() => window.tandemReplica.iframeSandbox());
  assert.equal(sandbox, 'allow-same-origin');
});

test('the replica shows the page text, with masked text as asterisks', async () => {
  await replicaMatchesPage('initial');
  const replicaText = await replica.page.evaluate(() => window.tandemReplica.visibleText());
  assert.ok(replicaText.includes('Status: Active'), 'shadow-root text missing in replica');
  assert.ok(replicaText.includes('Call us on the number on your card.'), 'iframe text missing in replica');
  assert.ok(!replicaText.includes('88-1202'), 'masked text shown in replica');
  assert.ok(!replicaText.includes('Leave at door'), 'contenteditable text shown in replica');
});

test('typing and DOM edits on the page show in the replica', async () => {
  await customer.locator('#city').fill('');
  await customer.locator('#city').pressSequentially('Springfield');
  await customer.locator('#email').pressSequentially('jo@example.com');
  await customer.locator('#password').pressSequentially('hunter2');
  await customer.evaluate(() => {
    const title = document.querySelector('#title');
    if (title) title.textContent = 'Your account (edited)';
    const item = document.createElement('li');
    item.textContent = 'Address updated';
    document.querySelector('#log')?.append(item);
  });
  await customer.evaluate(() => window.tandemTest.mark('typed'));
  await replica.waitForMarker('typed');
  await replicaMatchesPage('after edits');

  const frame = replica.page.frameLocator('iframe');
  await replica.page.waitForFunction(
    () => (document.querySelector('iframe')?.contentDocument?.querySelector('#city') as HTMLInputElement | null)?.value === 'Springfield',
    undefined,
    { timeout: 5_000 },
  );
  assert.equal(await frame.locator('#email').inputValue(), '*'.repeat('jo@example.com'.length));
  assert.equal(await frame.locator('#password').inputValue(), '*'.repeat('hunter2'.length));
});

test('a lost frame is noticed and a fresh snapshot brings the replica back in line', async () => {
  let dropped = false;
  sink.setDropping((frame) => {
    if (dropped || frame.kind !== 'delta') return false;
    dropped = true;
    return true;
  });
  const snapshotsBefore = sink.frames().filter((f) => f.kind === 'snapshot').length;
  await customer.evaluate(() => {
    const item = document.createElement('li');
    item.textContent = 'Change lost on the way';
    document.querySelector('#log')?.append(item);
  });
  await customer.evaluate(() => window.tandemTest.mark('after-loss'));
  const deadline = Date.now() + 5_000;
  while (sink.frames().filter((f) => f.kind === 'snapshot').length === snapshotsBefore && Date.now() < deadline) {
    await customer.waitForTimeout(50);
  }
  assert.ok(dropped, 'no frame was dropped');
  assert.equal(await replica.page.evaluate(() => window.tandemReplica.snapshotsRequested()), 1);
  await customer.evaluate(() => window.tandemTest.mark('recovered'));
  await replica.waitForMarker('recovered');
  await replicaMatchesPage('after a lost frame');
  const replicaText = await replica.page.evaluate(() => window.tandemReplica.visibleText());
  assert.ok(replicaText.includes('Change lost on the way'));
});

test('a blocked element is a box of the same size with nothing of its content', async () => {
  const pageBox = await customer.locator('#card').boundingBox();
  const frame = replica.page.frameLocator('iframe');
  const replicaCard = frame.locator('[data-tandem-block]');
  const replicaBox = await replicaCard.boundingBox();
  assert.ok(pageBox && replicaBox, 'card missing');
  // The replica iframe may be scaled; compare at the replica's own scale via its viewport width.
  const scale = await replica.page.evaluate(() => {
    const iframe = document.querySelector('iframe');
    return iframe ? iframe.getBoundingClientRect().width / iframe.offsetWidth : 1;
  });
  assert.ok(Math.abs(replicaBox.width / scale - pageBox.width) <= 1, `width ${replicaBox.width} vs ${pageBox.width}`);
  assert.ok(Math.abs(replicaBox.height / scale - pageBox.height) <= 1, `height ${replicaBox.height} vs ${pageBox.height}`);
  assert.equal((await replicaCard.innerText()).trim(), '');

  await customer.screenshot({ path: join(screenshots, 'replay-customer.png') });
  await replica.page.screenshot({ path: join(screenshots, 'replay-agent.png') });
});
