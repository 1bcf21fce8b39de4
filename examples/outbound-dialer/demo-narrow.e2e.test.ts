// The demo on a phone-sized screen (390 px, an iPhone 14's width): the customer's phone page and
// the shop pages an SMS link opens fit without sideways scrolling. Screenshots go to
// e2e/screenshots/demo/ (ignored).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type RunningDemo } from './start-demo.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../e2e/screenshots/demo/', import.meta.url));

let demo: RunningDemo;
let browser: Browser;
let dataDir: string;

/** Elements that stick out past the right edge of a 390 px screen, and the page's own scroll width. */
async function overflow(page: Page): Promise<{ scrollWidth: number; sticking: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const sticking: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      const name = `${el.localName}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`;
      if (r.width > 0 && r.right > width + 1) sticking.push(`${name} → ${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, sticking: sticking.slice(0, 8) };
  });
}

describe('the demo at 390 px', { timeout: 120_000 }, () => {
  before(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'tandem-demo-narrow-'));
    demo = await startDemo({ port: 0, demoPort: 0, shopPort: 0, dataDir, env: { LOG_LEVEL: 'error' }, ringMs: 800 });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
        '--disable-quic', '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const pages: [string, () => string][] = [
    ['phone', () => `${demo.phoneUrl}?to=${encodeURIComponent('+14155550123')}`],
    ['shop-home', () => demo.shopUrl],
    ['shop-product', () => new URL('/product/trailhead-28-daypack', demo.shopUrl).href],
    ['shop-checkout', () => new URL('/checkout', demo.shopUrl).href],
    ['shop-help', () => new URL('/help', demo.shopUrl).href],
  ];
  for (const [name, url] of pages) {
    test(`${name}: nothing sticks out sideways`, async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      await page.goto(url());
      await page.waitForLoadState('load');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS, `narrow-390-${name}.png`), fullPage: true });
      const found = await overflow(page);
      await context.close();
      assert.ok(found.scrollWidth <= 390 && found.sticking.length === 0, `${name} at 390 px: ${JSON.stringify(found)}`);
    });
  }
});
