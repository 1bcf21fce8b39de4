// The agent side of a test: the replica page in its own browser context and origin, fed by the
// sink's /view socket, with helpers to wait until it shows what the customer page shows.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestSite } from './test-site.ts';

export interface ReplicaViewer {
  page: Page;
  context: BrowserContext;
  waitForMarker(tag: string, timeoutMs?: number): Promise<void>;
  // Resolves with the replica's text once `accept` holds for it, or with the last text seen.
  settleText(accept: (text: string) => boolean, options?: { skip?: string; timeoutMs?: number }): Promise<string>;
  close(): Promise<void>;
}

export interface ReplicaOptions {
  useVirtualDom?: boolean;
}

export async function openReplica(
  browser: Browser,
  site: TestSite,
  viewUrl: string,
  options: ReplicaOptions = {},
): Promise<ReplicaViewer> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.goto(site.url('/fixtures/browser/replica.html'));
  await page.waitForFunction(() => 'tandemReplica' in window);
  await page.evaluate(([url, opts]) => window.tandemReplica.connect(url, opts), [viewUrl, options] as const);
  return {
    page,
    context,
    async waitForMarker(tag, timeoutMs = 10_000) {
      await page.waitForFunction((t) => window.tandemReplica.markers().includes(t), tag, { timeout: timeoutMs });
    },
    async settleText(accept, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 5_000);
      let text = '';
      for (;;) {
        text = await page.evaluate((skip) => window.tandemReplica.visibleText(skip), options.skip);
        if (accept(text) || Date.now() > deadline) return text;
        await page.waitForTimeout(100);
      }
    },
    close: () => context.close(),
  };
}
