import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import type { BenchRow } from '../harness/result-table.ts';
import { summarize } from '../harness/stats.ts';
import { CUSTOMER_VIEWPORT, type LiveStack } from '../harness/live-stack.ts';
import { buildSdk } from '../../packages/sdk/build.ts';
import { rrwebRecordGzip } from './sdk-weight.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CaptureCostOptions {
  /** elements on the page */
  elements: number;
  /** how long the mutation burst lasts */
  burstMs: number;
  /** what is typed into the search box, one key at a time */
  typed: string;
  keyDelayMs: number;
  rounds: number;
  /** quiet time after the work: what a page does after it (a deflate, a send) still counts */
  settleMs: number;
}

type Variant = 'tandem' | 'rrweb' | 'none';

interface Subject {
  variant: Variant;
  page: Page;
  cdp: CDPSession;
  close(): Promise<void>;
}

/** What one piece of work cost one page's main thread. */
interface Cost {
  taskMs: number;
  scriptMs: number;
  longTasks: number;
  blockingMs: number;
}

// Every long task (> 50 ms) of the page, with when it started (performance.now()).
const WATCH_LONG_TASKS = `(() => {
  window.__benchLongTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__benchLongTasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true });
})()`;

async function metrics(cdp: CDPSession): Promise<Map<string, number>> {
  const { metrics: m } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return new Map(m.map((x) => [x.name, x.value]));
}

async function subject(stack: LiveStack, variant: Variant, path: string): Promise<Subject> {
  let page: Page;
  let close: () => Promise<void>;
  if (variant === 'tandem') {
    // The real loader, consent prompt, capture bundle and server: sharing is live when this returns.
    const customer = await stack.tandemCustomer(path);
    page = customer.page;
    close = () => customer.context.close();
  } else {
    const context = await stack.browser.newContext({ viewport: CUSTOMER_VIEWPORT });
    page = await context.newPage();
    await page.goto(stack.site.url(`${path}${variant === 'rrweb' ? '&mode=rrweb-only' : ''}`));
    if (variant === 'rrweb') await page.waitForFunction(() => (window as unknown as { __benchRecorded: number }).__benchRecorded > 0);
    close = () => context.close();
  }
  await page.evaluate(WATCH_LONG_TASKS);
  const cdp = await page.context().newCDPSession(page);
  // Thread time, not wall time: on a loaded machine a task's wall time counts the time the thread
  // waited for a core, which is the neighbours' doing, not the page's.
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return { variant, page, cdp, close };
}

/** Runs `work` on one page and reads what its main thread spent meanwhile (and for settleMs after). */
async function costOf(s: Subject, work: (page: Page) => Promise<void>, settleMs: number): Promise<Cost> {
  const from = (await s.page.evaluate(() => performance.now())) as number;
  const before = await metrics(s.cdp);
  await work(s.page);
  await sleep(settleMs);
  const after = await metrics(s.cdp);
  const to = (await s.page.evaluate(() => performance.now())) as number;
  const long = (await s.page.evaluate(([a, b]) => (window as unknown as { __benchLongTasks: [number, number][] }).__benchLongTasks
    .filter(([start]) => start >= a && start < b).map(([, d]) => d), [from, to] as [number, number])) as number[];
  const delta = (name: string) => ((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000;
  return { taskMs: delta('TaskDuration'), scriptMs: delta('ScriptDuration'), longTasks: long.length,
    blockingMs: long.reduce((a, d) => a + Math.max(0, d - 50), 0) };
}

/**
 * Whether `t` is at most half of rrweb's added time `b`; null (unsettled) when the medians say rrweb
 * added nothing or less, which is the machine's noise: no figure is "half" of that.
 */
const halfOf = (t: number, b: number): boolean | null => (b > 0 ? t <= 0.5 * b : null);

const WORKLOADS = ['burst', 'typing'] as const;
type Workload = (typeof WORKLOADS)[number];

function workOf(w: Workload, o: CaptureCostOptions, round: number): (page: Page) => Promise<void> {
  if (w === 'burst') {
    return (page) => page.evaluate(([ms, seed]) =>
      (window as unknown as { benchCost: { burst(ms: number, seed: number): Promise<void> } }).benchCost.burst(ms, seed),
    [o.burstMs, round + 1] as [number, number]);
  }
  return (page) => page.keyboard.type(o.typed, { delay: o.keyDelayMs });
}

/**
 * What sharing costs the customer's page: the main-thread time, long tasks and total blocking
 * time it ADDS to a page of `elements` elements, during a burst of mutations and while the
 * customer types, against what rrweb record alone adds. Three pages in one Chromium, measured in
 * turn (the order rotates each round): Tandem sharing for real (loader, consent, capture bundle,
 * the server), plain rrweb record (events made into JSON and dropped), and the page alone, whose
 * cost is taken off the other two. Main-thread time is DevTools' Performance.getMetrics
 * (TaskDuration, ScriptDuration, in thread time) before and after; long tasks (wall time) from a
 * PerformanceObserver. Two readings of the goal: Tandem's added time against rrweb's (≤ 0.5×),
 * and what Tandem adds beyond rrweb (which it runs) against rrweb's own (≤ 0.5×).
 */
export async function captureCost(stack: LiveStack, o: CaptureCostOptions): Promise<BenchRow[]> {
  const path = `/pages/cost.html?n=${o.elements}`;
  const subjects: Subject[] = [];
  try {
    for (const v of ['tandem', 'rrweb', 'none'] as Variant[]) subjects.push(await subject(stack, v, path));
    // The customer clicks into the search box to type, on every page: where the pointer rests
    // matters. After each layout Chromium hit-tests the pointer's position to update hover (≈ 3 ms a
    // key on this page), and only on a page the mouse has been over: left where Tandem's Accept
    // button was, and nowhere on the others, that hit test was counted as sharing's cost.
    for (const s of subjects) await s.page.click('#search');
    await sleep(1000);
    const samples = new Map<string, Cost[]>();
    for (let round = 0; round < o.rounds; round++) {
      for (const w of WORKLOADS) {
        const costs = new Map<Variant, Cost>();
        for (let k = 0; k < subjects.length; k++) {
          const s = subjects[(k + round) % subjects.length]!;
          if (w === 'typing') await s.page.fill('#search', '');
          await sleep(200);
          // BENCH_CAPTURE_PROFILE=<prefix>: a CPU profile of each page's first round (<prefix>-<variant>-<work>.cpuprofile,
          // for DevTools); profiling slows the page, so that round's figures are not comparable.
          const profile = process.env['BENCH_CAPTURE_PROFILE'] && round === 0 ? process.env['BENCH_CAPTURE_PROFILE'] : null;
          if (profile) await s.cdp.send('Profiler.enable').then(() => s.cdp.send('Profiler.start'));
          costs.set(s.variant, await costOf(s, workOf(w, o, round), o.settleMs));
          if (profile) writeFileSync(`${profile}-${s.variant}-${w}.cpuprofile`, JSON.stringify((await s.cdp.send('Profiler.stop')).profile));
        }
        const none = costs.get('none')!;
        for (const v of ['tandem', 'rrweb'] as const) {
          const c = costs.get(v)!;
          const key = `${w}/${v}`;
          samples.set(key, [...(samples.get(key) ?? []), {
            taskMs: c.taskMs - none.taskMs, scriptMs: c.scriptMs - none.scriptMs, longTasks: c.longTasks - none.longTasks,
            blockingMs: c.blockingMs - none.blockingMs,
          }]);
        }
      }
    }
    const rows: BenchRow[] = [];
    const size = o.elements >= 1000 ? `${o.elements / 1000}k` : `${o.elements}`;
    for (const w of WORKLOADS) {
      const what = w === 'burst' ? `${o.burstMs / 1000} s mutation burst` : `typing ${o.typed.length} keys`;
      const med = (v: 'tandem' | 'rrweb', f: keyof Cost) => summarize(samples.get(`${w}/${v}`)!.map((c) => c[f])).p50;
      const range = (v: 'tandem' | 'rrweb') => {
        const t = samples.get(`${w}/${v}`)!.map((c) => c.taskMs);
        return `${Math.round(Math.min(...t))}–${Math.round(Math.max(...t))}`;
      };
      const t = med('tandem', 'taskMs');
      const b = med('rrweb', 'taskMs');
      rows.push(
        { scenario: 'capture cost', metric: `${what}, ${size} elements: added main-thread time, median of ${o.rounds}`, tandem: t, baseline: b, unit: 'ms',
          better: 'lower', target: '≤ 0.5×', met: halfOf(t, b),
          note: `Tandem ${range('tandem')} ms, rrweb ${range('rrweb')} ms; baseline: rrweb record alone` },
        { scenario: 'capture cost', metric: `${what}: Tandem's time beyond rrweb's`, tandem: t - b, baseline: b, unit: 'ms', better: 'lower',
          target: '≤ 0.5×', met: halfOf(t - b, b) },
        { scenario: 'capture cost', metric: `${what}: added script time`, tandem: med('tandem', 'scriptMs'), baseline: med('rrweb', 'scriptMs'), unit: 'ms',
          better: 'lower', target: 'report', met: null },
        { scenario: 'capture cost', metric: `${what}: added long tasks`, tandem: med('tandem', 'longTasks'), baseline: med('rrweb', 'longTasks'), unit: '',
          better: 'lower', target: 'report', met: null },
        { scenario: 'capture cost', metric: `${what}: added total blocking time`, tandem: med('tandem', 'blockingMs'), baseline: med('rrweb', 'blockingMs'),
          unit: 'ms', better: 'lower', target: 'report', met: null },
      );
    }
    const built = await buildSdk();
    const capture = built.find((b) => b.file.endsWith('capture.js'))!.gzipBytes / 1024;
    const rr = (await rrwebRecordGzip()) / 1024;
    rows.push({ scenario: 'capture cost', metric: 'capture bundle, gzipped', tandem: capture, baseline: rr, unit: 'KiB', better: 'lower', target: '≤ 1×',
      met: capture <= rr, note: 'baseline: rrweb record entry bundled alone (esbuild, minified)' });
    return rows;
  } finally {
    for (const s of subjects) await s.close().catch(() => undefined);
  }
}
