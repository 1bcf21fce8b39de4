// Every known way a field's value or a marked text can slip through rrweb, driven like a customer
// (and a page script) would, and checked on the wire: nothing the page sent may contain a secret.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness/chromium.ts';
import { startTestSite } from './harness/test-site.ts';
import type { TestSite } from './harness/test-site.ts';
import { startFrameSink } from './harness/frame-sink.ts';
import type { FrameSink } from './harness/frame-sink.ts';
import { watchWire } from './harness/wire-watch.ts';
import type { WireWatch } from './harness/wire-watch.ts';
import { buildBrowserBundles, testSiteMounts } from './harness/browser-bundles.ts';
import { driveLeaks, prepareLeaks, secretsIn } from './harness/leak-scenario.ts';

let browser: Browser;
let site: TestSite;
let sink: FrameSink;
let page: Page;
let wire: WireWatch;

before(async () => {
  await buildBrowserBundles();
  [browser, site, sink] = await Promise.all([launchChromium(), startTestSite(testSiteMounts()), startFrameSink()]);
  page = await browser.newPage();
  wire = await watchWire(page);
  await page.goto(site.url('/fixtures/leaks/index.html'));
  await page.waitForFunction(() => 'tandemTest' in window);

  // State that exists before the customer shares: the first full snapshot must mask it.
  await prepareLeaks(page);

  await page.evaluate((url) => window.tandemTest.start(url), sink.captureUrl);

  // State that changes while sharing: mutations and input events must mask it.
  await driveLeaks(page);

  await page.evaluate(() => window.tandemTest.mark('done'));
  await sink.waitForMarker('done');
});

after(async () => {
  await wire?.stop().catch(() => {});
  await browser?.close();
  await Promise.all([site?.close(), sink?.close()]);
});

// Frames travel deflated: both the sink and the CDP watch inflate them before any search.
function sinkText(): string {
  return Buffer.concat(sink.received()).toString('utf8');
}

function cdpText(): string {
  return wire.sent().join('\n');
}

function assertNeverSent(...secrets: string[]): void {
  const bySink = sinkText();
  const byChromium = cdpText();
  for (const secret of secrets) {
    assert.ok(!bySink.includes(secret), `${secret} reached the sink`);
    assert.ok(!byChromium.includes(secret), `${secret} was sent by the page (CDP)`);
  }
}

describe('capture masks before anything leaves the page', () => {
  test('the capture actually ran and carried unmasked page text (control)', () => {
    const text = sinkText();
    assert.ok(sink.frames().some((f) => f.kind === 'snapshot'), 'no snapshot frame');
    assert.ok(text.includes('Checkout'), 'page heading missing from the stream');
    assert.ok(text.includes('Widget note'), 'open shadow root content was not captured');
    assert.ok(text.includes('Name on card'), 'same-origin iframe was not captured');
    assert.ok(cdpText().includes('Checkout'), 'CDP saw no capture frames');
    assert.ok(wire.frames().some((f) => f.compressed), 'capture frames were not compressed');
    assert.deepEqual(wire.frames().filter((f) => f.unreadable).length, 0, 'a compressed frame could not be inflated: the search would miss it');
  });

  test('a field opted in with data-tandem-unmask shows what the customer typed', () => {
    assert.ok(sinkText().includes('Springfield'));
  });

  test('values set by script, by setAttribute, and a cleared prefilled value', () => {
    assertNeverSent('SECRET-SCRIPT-VALUE', 'SECRET-ATTR-VALUE', 'SECRET-PREFILL-1');
  });

  test('textarea content: initial, cleared default, typed, set by script', () => {
    assertNeverSent(
      'SECRET-TEXTAREA-INITIAL',
      'SECRET-TEXTAREA-CLEARED',
      'SECRET-TEXTAREA-TYPED',
      'SECRET-TEXTAREA-SCRIPTED',
      'SECRET-TEXTAREA-CHARDATA',
    );
  });

  test('hidden inputs', () => {
    assertNeverSent('SECRET-HIDDEN-INITIAL', 'SECRET-HIDDEN-ADDED', 'SECRET-HIDDEN-SET');
  });

  test('a password field, even opted in and switched to text by a show button', () => {
    assertNeverSent('SECRET-PW-HIDDEN', 'SECRET-PW-SHOWN');
  });

  test('payment fields stay masked even when opted in', () => {
    assertNeverSent('SECRET-CARD-BY-NAME', 'SECRET-CARD-BY-AUTOCOMPLETE');
  });

  test('contenteditable text, initial and typed', () => {
    assertNeverSent('SECRET-EDITABLE-INITIAL', 'SECRET-EDITABLE-TYPED');
  });

  test('select choices and the selected option', () => {
    assertNeverSent('SECRET-OPTION-VISA', 'SECRET-OPTION-MASTERCARD');
  });

  test('data-tandem-mask text and data-tandem-block content', () => {
    assertNeverSent('SECRET-MASKED-TEXT', 'SECRET-MASKED-LATER', 'SECRET-BLOCKED-TEXT', 'SECRET-BLOCKED-LATER');
  });

  test('same-origin iframe: typed value and masked text', () => {
    assertNeverSent('SECRET-FRAME-TYPED', 'SECRET-FRAME-MASKED');
  });

  test('open shadow roots: typed value, and text under a masked host', () => {
    assertNeverSent('SECRET-SHADOW-TYPED', 'SECRET-SHADOW-MASKED-INITIAL', 'SECRET-SHADOW-MASKED-LATER');
  });

  test('no secret of any kind anywhere on the wire', () => {
    assert.deepEqual(secretsIn(sinkText() + cdpText()), []);
  });
});
