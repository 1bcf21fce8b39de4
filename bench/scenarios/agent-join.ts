import type { Page } from 'playwright-core';
import type { BenchRow } from '../harness/result-table.ts';
import { summarize } from '../harness/stats.ts';
import type { LiveStack } from '../harness/live-stack.ts';

/**
 * From the agent page's navigation start to a replica that has the page's last element; for
 * Tandem's console also to rrweb having built it or taken it over (it then follows changes).
 */
async function joinOnce(stack: LiveStack, url: string, isConsole: boolean): Promise<{ shown: number; built: number | null }> {
  const page: Page = await stack.newAgentPage('window.benchProbe.watchJoin()');
  try {
    // The page tells the bench (probe.ts watchJoin). page.waitForFunction, which this used, first
    // evaluates Playwright's own script in the page (a 23-28 ms task, traced), and it did so
    // when the page's load event let goto() return: during Tandem's join, not the baseline's.
    const seen = new Set<string>();
    let wake: () => void = () => undefined;
    await page.exposeBinding('benchJoinSeen', (_source, what: string) => {
      seen.add(what);
      wake();
    });
    const done = () => seen.has('joined') && (!isConsole || seen.has('built'));
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no join within 30 s (seen: ${[...seen].join(', ') || 'nothing'})`)), 30_000);
      wake = () => {
        if (!done()) return;
        clearTimeout(timer);
        resolve();
      };
    });
    await page.goto(url, { waitUntil: 'commit' });
    await joined;
    return (await page.evaluate(() => {
      const origin = window.benchProbe.timeOrigin();
      const built = window.benchProbe.builtAt();
      return { shown: window.benchProbe.joinedAt()! - origin, built: built === null ? null : built - origin };
    }));
  } finally {
    await page.context().close();
  }
}

/**
 * An agent opens a live session on a page of `elements` elements that is already being shared.
 * Tandem: the console page, whose relay hands it the cached snapshot (the customer's browser is
 * not asked). Baseline: the plain viewer page asks the page for a full snapshot through the bare
 * relay and rrweb's Replayer rebuilds it.
 */
export async function agentJoin(stack: LiveStack, opts: { sizes: number[]; runs: number }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of opts.sizes) {
    const tc = await stack.tandemCustomer(`/pages/join.html?n=${n}`);
    const bc = await stack.baselineCustomer(`/pages/join.html?n=${n}`);
    const consoleUrl = await stack.consoleUrl(tc.callId);
    const t: number[] = [];
    const built: number[] = [];
    const b: number[] = [];
    // One warm-up each (not in a one-run smoke), then in turn.
    if (opts.runs > 1) {
      await joinOnce(stack, consoleUrl, true);
      await joinOnce(stack, stack.baselineViewerUrl(), false);
    }
    for (let k = 0; k < opts.runs; k++) {
      const tandem = await joinOnce(stack, consoleUrl, true);
      t.push(tandem.shown);
      if (tandem.built !== null) built.push(tandem.built);
      b.push((await joinOnce(stack, stack.baselineViewerUrl(), false)).shown);
    }
    await Promise.all([tc.context.close(), bc.context.close()]);
    const ts = summarize(t);
    const bs = summarize(b);
    rows.push(
      { scenario: 'agent join', metric: `${n >= 1000 ? `${n / 1000}k` : n} elements, median of ${ts.n}`, tandem: ts.p50, baseline: bs.p50, unit: 'ms',
        better: 'lower', target: '≤ 0.5×', met: ts.p50 <= 0.5 * bs.p50, note:
          `Tandem ${Math.round(Math.min(...t))}–${Math.round(Math.max(...t))} ms, baseline ${Math.round(Math.min(...b))}–${Math.round(Math.max(...b))} ms; ` +
          `Tandem's replica following changes (rrweb built it or took the first view over) at a median ${Math.round(summarize(built).p50)} ms` });
  }
  return rows;
}
