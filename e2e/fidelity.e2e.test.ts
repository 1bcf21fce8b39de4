// The agent sees what the customer sees on framework-built apps (React, Vue, Lit web components
// with open shadow roots and adopted stylesheets), each driven like a user, several runs each,
// with the capture starting before or after the app renders and the agent joining early or late.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './harness/chromium.ts';
import { startTestSite } from './harness/test-site.ts';
import type { TestSite } from './harness/test-site.ts';
import { buildBrowserBundles, e2eDir, testSiteMounts } from './harness/browser-bundles.ts';
import { appScenarios } from './harness/app-scenarios.ts';
import { runFidelity } from './harness/fidelity-run.ts';
import type { FidelityRunOptions } from './harness/fidelity-run.ts';

const runs: FidelityRunOptions[] = [
  { start: 'after-render', join: 'early' },
  { start: 'after-render', join: 'late' },
  { start: 'before-render', join: 'late' },
];

let browser: Browser;
let customerSite: TestSite;
let agentSite: TestSite;
const screenshots = join(e2eDir, 'screenshots');

before(async () => {
  await buildBrowserBundles();
  await mkdir(screenshots, { recursive: true });
  [browser, customerSite, agentSite] = await Promise.all([
    launchChromium(),
    startTestSite(testSiteMounts()),
    startTestSite(testSiteMounts()),
  ]);
});

after(async () => {
  await browser?.close();
  await Promise.all([customerSite?.close(), agentSite?.close()]);
});

for (const scenario of appScenarios) {
  describe(`replica of ${scenario.name}`, () => {
    runs.forEach((options, index) => {
      test(`run ${index + 1}: capture ${options.start}, agent joins ${options.join}`, async () => {
        const result = await runFidelity(browser, customerSite, agentSite, scenario, {
          ...options,
          screenshotPrefix: index === 1 ? join(screenshots, `fidelity-${scenario.name}`) : undefined,
        });
        const failed = result.steps.filter((s) => !s.same);
        assert.deepEqual(
          failed.map((s) => `${s.label}: ${s.mismatches.slice(0, 5).join(' | ')}`),
          [],
          'replica text differs from the page after these steps',
        );
      });
    });
  });
}
