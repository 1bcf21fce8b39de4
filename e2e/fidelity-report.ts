// The fidelity investigation as a repeatable command (not part of the test suite): runs every
// fixture app many times per configuration and prints how many runs kept page and replica equal.
//   node --import tsx e2e/fidelity-report.ts [runs] [virtual-dom: on|off|both]
import { launchChromium } from './harness/chromium.ts';
import { startTestSite } from './harness/test-site.ts';
import { buildBrowserBundles, testSiteMounts } from './harness/browser-bundles.ts';
import { appScenarios } from './harness/app-scenarios.ts';
import { runFidelity } from './harness/fidelity-run.ts';
import type { CaptureStart, ViewerJoin } from './harness/fidelity-run.ts';

const runs = Number(process.argv[2] ?? 4);
const vdomArg = process.argv[3] ?? 'both';
const vdomModes = vdomArg === 'both' ? [true, false] : [vdomArg === 'on'];

await buildBrowserBundles();
const [browser, customerSite, agentSite] = await Promise.all([
  launchChromium(),
  startTestSite(testSiteMounts()),
  startTestSite(testSiteMounts()),
]);
try {
  for (const useVirtualDom of vdomModes) {
    for (const scenario of appScenarios) {
      for (const start of ['after-render', 'before-render'] as CaptureStart[]) {
        for (const join of ['early', 'late'] as ViewerJoin[]) {
          let passed = 0;
          const failures: string[] = [];
          for (let i = 0; i < runs; i++) {
            const result = await runFidelity(browser, customerSite, agentSite, scenario, { start, join, useVirtualDom });
            if (result.passed) passed++;
            else {
              const bad = result.steps.find((s) => !s.same);
              failures.push(`${bad?.label}: ${bad?.mismatches.slice(0, 3).join(' | ')}`);
            }
          }
          console.log(`vdom=${useVirtualDom ? 'on ' : 'off'} ${scenario.name.padEnd(13)} start=${start.padEnd(13)} join=${join.padEnd(5)} ${passed}/${runs}`);
          for (const f of failures.slice(0, 2)) console.log(`    first failure: ${f}`);
        }
      }
    }
  }
} finally {
  await browser.close();
  await Promise.all([customerSite.close(), agentSite.close()]);
}
