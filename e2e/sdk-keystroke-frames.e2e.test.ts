// One frame per keystroke: a field's input event and the page's answer to it (a count, a list of
// suggestions) leave together, so each key costs the customer's page one compression and one send,
// not two. A key the page does not answer still leaves, on its own, straight after its task.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness/chromium.ts';
import { startTestSite } from './harness/test-site.ts';
import type { TestSite } from './harness/test-site.ts';
import { startFrameSink } from './harness/frame-sink.ts';
import type { FrameSink, SinkEvent, SinkFrame } from './harness/frame-sink.ts';
import { buildBrowserBundles, testSiteMounts } from './harness/browser-bundles.ts';

// rrweb's event and source numbers (stable in its wire format).
const INCREMENTAL = 3;
const MUTATION = 0;
const INPUT = 5;

let browser: Browser;
let site: TestSite;
let sink: FrameSink;
let customer: Page;

const source = (e: SinkEvent) => (e.type === INCREMENTAL ? (e.data as { source: number }).source : null);
const inputText = (e: SinkEvent) => (source(e) === INPUT ? (e.data as { text?: string }).text ?? null : null);
const addsText = (e: SinkEvent, needle: string) =>
  source(e) === MUTATION && JSON.stringify((e.data as { texts?: unknown[]; adds?: unknown[] })).includes(needle);

function framesSince(count: number): SinkFrame[] {
  return sink.frames().slice(count).filter((f) => f.kind === 'delta');
}

before(async () => {
  await buildBrowserBundles();
  [browser, site, sink] = await Promise.all([launchChromium(), startTestSite(testSiteMounts()), startFrameSink()]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  customer = await context.newPage();
  await customer.goto(site.url('/fixtures/account/index.html'));
  await customer.waitForFunction(() => 'tandemTest' in window);
  // The page answers each key in the city field with a count, as a search box shows suggestions.
  await customer.evaluate(() => {
    const city = document.querySelector<HTMLInputElement>('#city')!;
    const count = document.createElement('p');
    count.id = 'count';
    count.textContent = 'Characters: 0';
    city.after(count);
    city.addEventListener('input', () => {
      count.textContent = `Characters: ${city.value.length}`;
    });
  });
  await customer.evaluate((url) => window.tandemTest.start(url), sink.captureUrl);
  await customer.evaluate(() => window.tandemTest.mark('started'));
  await sink.waitForMarker('started');
});

after(async () => {
  await browser?.close();
  await Promise.all([site?.close(), sink?.close()]);
});

test('a key the page answers leaves in one frame with the answer', async () => {
  const from = sink.frames().length;
  const word = 'Bristol';
  // A pause between keys makes each one its own task, as a person types.
  await customer.locator('#city').pressSequentially(word, { delay: 40 });
  await customer.evaluate(() => window.tandemTest.mark('typed'));
  await sink.waitForMarker('typed');

  const keyFrames = framesSince(from).filter((f) => f.events.some((e) => inputText(e) !== null));
  const typed = keyFrames.map((f) => f.events.map(inputText).filter((t) => t !== null).at(-1));
  // Every key's value reached the agent, in order.
  assert.deepEqual(typed, [...word].map((_, i) => word.slice(0, i + 1)), `values sent: ${JSON.stringify(typed)}`);
  // ... each in the same frame as the page's answer to it.
  for (const [i, frame] of keyFrames.entries()) {
    assert.ok(frame.events.some((e) => addsText(e, `Characters: ${i + 1}`)),
      `key ${i + 1}: its frame lacks the page's answer; frame events: ${JSON.stringify(frame.events.map(source))}`);
  }
  // And no frame carried an answer without its key (two frames a key).
  const answerOnly = framesSince(from).filter((f) => f.events.some((e) => addsText(e, 'Characters:')) && !f.events.some((e) => inputText(e) !== null));
  assert.equal(answerOnly.length, 0, `${answerOnly.length} answers left without their key`);
});

test('a key the page does not answer still leaves, on its own', async () => {
  const from = sink.frames().length;
  // No listener on the email field: nothing changes on the page but the field's value.
  await customer.locator('#email').pressSequentially('jo', { delay: 40 });
  // No marker here: the last key must leave by itself, not with something sent after it.
  const deadline = Date.now() + 5_000;
  let values: string[] = [];
  while (Date.now() < deadline) {
    values = framesSince(from).flatMap((f) => f.events.map(inputText).filter((t): t is string => t !== null));
    if (values.length >= 2) break;
    await customer.waitForTimeout(50);
  }
  // The email field is masked: its values leave as asterisks of the same length.
  assert.deepEqual(values, ['*', '**'], `values sent: ${JSON.stringify(values)}`);
});
