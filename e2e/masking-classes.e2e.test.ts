// Each class of masking leak on its own fixture page, checked on the wire: what Chromium itself
// saw the page send (CDP, inflated), and what the sink received. Before Share the page holds
// secrets; the first snapshot, the mutations and input events while sharing, and a second snapshot
// after them must carry none of them — while the page copy each fixture names still arrives.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from './harness/chromium.ts';
import { startTestSite } from './harness/test-site.ts';
import type { TestSite } from './harness/test-site.ts';
import { startFrameSink } from './harness/frame-sink.ts';
import { watchWire } from './harness/wire-watch.ts';
import { buildBrowserBundles, testSiteMounts } from './harness/browser-bundles.ts';
import { openReplica } from './harness/replica-viewer.ts';
import { secretsIn } from './harness/leak-scenario.ts';
import { LEAK_CLASSES } from './harness/leak-classes.ts';
import type { LeakClass } from './harness/leak-classes.ts';

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

interface Capture {
  /** the capture socket's frames as Chromium saw the page send them, inflated */
  pageSent: string;
  /** the same frames as the sink received them */
  sinkReceived: string;
}

// The page's own requests (its URL, its images) may carry its secrets legitimately; capture
// sends only on its WebSocket, so that is what is searched.
async function capture(leak: LeakClass): Promise<Capture> {
  const sink = await startFrameSink();
  const page = await browser.newPage();
  try {
    const wire = await watchWire(page);
    await page.goto(site.url(leak.fixture));
    await page.waitForFunction(() => 'tandemTest' in window);
    await leak.before?.(page);
    await page.evaluate((url) => window.tandemTest.start(url), sink.captureUrl);
    await leak.during?.(page);
    // A checkpoint after the changes: the second full snapshot sees the page as it is now.
    await page.evaluate(() => window.tandemTest.snapshot());
    await page.evaluate(() => window.tandemTest.mark('done'));
    // Generous: the marker follows a full snapshot of the page, and on a loaded 2-core machine
    // (CI runs three test files at once) that once took the default 10 s; what is asserted is what
    // left the page, not how fast.
    await sink.waitForMarker('done', 30_000);
    const frames = wire.frames();
    assert.ok(frames.some((f) => f.compressed), 'no compressed frame: the search would prove nothing');
    assert.deepEqual(frames.filter((f) => f.unreadable).length, 0, 'a compressed frame could not be inflated');
    const result = { pageSent: frames.map((f) => f.text).join('\n'), sinkReceived: Buffer.concat(sink.received()).toString('utf8') };
    await page.evaluate(() => window.tandemTest.stop());
    await wire.stop();
    return result;
  } finally {
    await page.close();
    await sink.close();
  }
}

describe('every class of masking leak is closed on the wire', () => {
  for (const leak of LEAK_CLASSES) {
    test(leak.title, async () => {
      const { pageSent, sinkReceived } = await capture(leak);
      for (const copy of leak.shown) assert.ok(pageSent.includes(copy), `page copy "${copy}" never left the page: the capture proves nothing`);
      assert.deepEqual(secretsIn(pageSent), [], 'a secret was sent by the page (CDP, inflated)');
      assert.deepEqual(secretsIn(sinkReceived), [], 'a secret reached the sink');
    });
  }
});

describe('the replica of a masked region stays usable', () => {
  test('masked text is replaced, masked pictures keep their size, the region keeps its box', async () => {
    const leak = LEAK_CLASSES.find((l) => l.fixture.includes('masked-attributes'))!;
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const sink = await startFrameSink();
    try {
      await page.goto(site.url(leak.fixture));
      await page.waitForFunction(() => 'tandemTest' in window);
      await page.evaluate((url) => window.tandemTest.start(url), sink.captureUrl);
      await page.evaluate(() => window.tandemTest.mark('ready'));
      const replica = await openReplica(browser, site, sink.viewUrl);
      try {
        await replica.waitForMarker('ready');
        // (no named helpers inside evaluate: tsx would wrap them in a __name() the page lacks)
        const measure = `(() => {
          const doc = window.tandemReplica ? document.querySelector('iframe').contentDocument : document;
          const box = (el) => { const r = el.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
          const section = doc.querySelector('section[data-tandem-mask]');
          return {
            section: box(section),
            pictures: [...section.querySelectorAll('img')].map(box),
            text: section.innerText,
          };
        })()`;
        const onPage = (await page.evaluate(measure)) as { section: number[]; pictures: number[][]; text: string };
        const inReplica = (await replica.page.evaluate(measure)) as { section: number[]; pictures: number[][]; text: string };
        assert.ok(onPage.text.includes('Jane'), 'the fixture changed');
        assert.ok(!inReplica.text.includes('Jane') && inReplica.text.includes('****'), `masked text is not replaced: ${inReplica.text}`);
        assert.deepEqual(inReplica.pictures, onPage.pictures, 'masked pictures lost their size');
        assert.ok(Math.abs(inReplica.section[1]! - onPage.section[1]!) <= 4,
          `the masked region changed height: page ${onPage.section} replica ${inReplica.section}`);
      } finally {
        await replica.close();
      }
    } finally {
      await page.close();
      await sink.close();
    }
  });
});
