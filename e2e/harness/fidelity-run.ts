// One fidelity run: a fixture app driven like a user while captured, and after every step the
// replica's visible text (shadow roots and iframes included) compared with the page's.
import type { Browser } from 'playwright-core';
import type { TestSite } from './test-site.ts';
import { startFrameSink } from './frame-sink.ts';
import { openReplica } from './replica-viewer.ts';
import type { ReplicaViewer } from './replica-viewer.ts';
import { compareMaskedText } from './text-compare.ts';
import type { AppScenario } from './app-scenarios.ts';

export type CaptureStart = 'before-render' | 'after-render';
export type ViewerJoin = 'early' | 'late';

export interface FidelityRunOptions {
  start: CaptureStart;
  join: ViewerJoin;
  useVirtualDom?: boolean;
  // where to save page and replica screenshots of the final state, if anywhere
  screenshotPrefix?: string;
}

export interface StepResult {
  label: string;
  same: boolean;
  mismatches: string[];
}

export interface FidelityRunResult {
  passed: boolean;
  steps: StepResult[];
  frames: number;
  snapshots: number;
}

export async function runFidelity(
  browser: Browser,
  customerSite: TestSite,
  agentSite: TestSite,
  scenario: AppScenario,
  options: FidelityRunOptions,
): Promise<FidelityRunResult> {
  const sink = await startFrameSink();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const viewer: { current: ReplicaViewer | null } = { current: null };
  const steps: StepResult[] = [];
  try {
    const page = await context.newPage();
    const joinViewer = async () => {
      viewer.current = await openReplica(browser, agentSite, sink.viewUrl, { useVirtualDom: options.useVirtualDom });
    };
    if (options.join === 'early') await joinViewer();
    const resume = options.start === 'before-render' ? `?tandem-sink=${encodeURIComponent(sink.captureUrl)}` : '';
    await page.goto(customerSite.url(scenario.path + resume));
    await page.waitForFunction(() => 'tandemTest' in window);
    await page.getByText(scenario.renderedText).first().waitFor();
    if (options.start === 'after-render') await page.evaluate((url) => window.tandemTest.start(url), sink.captureUrl);

    let stepIndex = 0;
    const check = async (label: string) => {
      const tag = `step-${stepIndex++}`;
      await page.evaluate((t) => window.tandemTest.mark(t), tag);
      if (!viewer.current) await joinViewer();
      const replica = viewer.current as ReplicaViewer;
      await replica.waitForMarker(tag);
      // The app may still be settling (data arriving after a click), so both sides are re-read
      // until they agree or the deadline passes.
      const deadline = Date.now() + 5_000;
      let comparison = compareMaskedText('', '');
      for (;;) {
        const pageText = await page.evaluate(() => window.tandemTest.visibleText());
        const replicaText = await replica.page.evaluate(() => window.tandemReplica.visibleText());
        comparison = compareMaskedText(pageText, replicaText);
        if (comparison.same || Date.now() > deadline) break;
        await page.waitForTimeout(100);
      }
      steps.push({ label, same: comparison.same, mismatches: comparison.mismatches });
    };

    if (options.join === 'late') {
      await scenario.steps[0]?.run(page);
      await check(`rendered + ${scenario.steps[0]?.label ?? ''} (viewer joins now)`);
      for (const step of scenario.steps.slice(1)) {
        await step.run(page);
        await check(step.label);
      }
    } else {
      await check('rendered');
      for (const step of scenario.steps) {
        await step.run(page);
        await check(step.label);
      }
    }
    if (options.screenshotPrefix && viewer.current) {
      await page.screenshot({ path: `${options.screenshotPrefix}-page.png` });
      await viewer.current.page.screenshot({ path: `${options.screenshotPrefix}-replica.png` });
    }
    const frames = sink.frames();
    return {
      passed: steps.every((s) => s.same),
      steps,
      frames: frames.length,
      snapshots: frames.filter((f) => f.kind === 'snapshot').length,
    };
  } finally {
    await viewer.current?.close();
    await context.close();
    await sink.close();
  }
}
