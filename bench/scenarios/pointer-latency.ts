import type { Page } from 'playwright-core';
import type { BenchRow } from '../harness/result-table.ts';
import { summarize } from '../harness/stats.ts';
import type { LiveStack } from '../harness/live-stack.ts';
import { skewOf } from './dom-latency.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where the cursor element says it is, in the customer's page pixels. */
function cursorPoint(style: string, scale: number): { x: number; y: number } | null {
  const t = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(style);
  if (t) return { x: Number(t[1]) / scale, y: Number(t[2]) / scale };
  const left = /left:\s*([-\d.]+)px/.exec(style);
  const top = /top:\s*([-\d.]+)px/.exec(style);
  return left && top ? { x: Number(left[1]), y: Number(top[1]) } : null;
}

/**
 * Real mouse moves on the customer's page, `gapMs` apart, each to a new point; the latency of one
 * is from the page's mousemove event to the first time the agent's cursor element is at that
 * point (a MutationObserver on its style), on one clock.
 */
async function measure(customer: Page, agent: Page, count: number, gapMs: number, scale: number, offset: number) {
  const targets: { x: number; y: number }[] = [];
  for (let i = 0; i < count; i++) {
    const k = offset + i;
    const p = { x: 200 + ((k * 37) % 600), y: 150 + ((k * 53) % 400) };
    targets.push(p);
    await customer.mouse.move(p.x, p.y);
    await sleep(gapMs);
  }
  await sleep(1500);
  const moves = (await customer.evaluate(() => window.benchProbe.moves())) as { t: number; x: number; y: number }[];
  const log = (await agent.evaluate(() => window.benchProbe.cursorLog())) as { t: number; style: string }[];
  const latencies: number[] = [];
  let lost = 0;
  for (const p of targets) {
    const move = moves.findLast((m) => m.x === p.x && m.y === p.y);
    const shown = move && log.find((c) => {
      const at = cursorPoint(c.style, scale);
      return c.t >= move.t && at !== null && Math.abs(at.x - p.x) <= 1 && Math.abs(at.y - p.y) <= 1;
    });
    if (move && shown) latencies.push(shown.t - move.t);
    else lost++;
  }
  return { latencies, lost };
}

export async function pointerLatency(stack: LiveStack, opts: { samples: number; gapMs: number }): Promise<BenchRow[]> {
  const tc = await stack.tandemCustomer('/pages/live.html');
  await tc.page.evaluate(() => window.benchProbe.watchMoves());
  const console = await stack.tandemConsole(tc.callId);
  await console.waitForFunction(() => document.querySelector('tandem-console')?.shadowRoot?.querySelector('.replica-layer iframe'));
  await console.evaluate(() => window.benchProbe.watchCursor());
  // The replica is drawn scaled to fit the console; the cursor is placed in those pixels.
  const scale = (await console.evaluate(() => {
    const layers = document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll<HTMLElement>('.replica-layer');
    const layer = layers[layers.length - 1]!;
    return Number(/scale\(([\d.]+)\)/.exec(layer.style.transform)?.[1] ?? 1);
  })) as number;

  const bc = await stack.baselineCustomer('/pages/live.html');
  await bc.page.evaluate(() => window.benchProbe.watchMoves());
  const viewer = await stack.newAgentPage();
  await viewer.goto(stack.baselineViewerUrl());
  await viewer.waitForFunction(() => document.querySelector('.replayer-mouse'));
  await viewer.evaluate(() => window.benchProbe.watchCursor());
  const skew = Math.max(await skewOf(tc.page, console), await skewOf(bc.page, viewer));

  // Warm-up, then both sides in turn.
  await measure(tc.page, console, 5, opts.gapMs, scale, 10_000);
  await measure(bc.page, viewer, 5, opts.gapMs, 1, 10_000);
  const t = await measure(tc.page, console, opts.samples, opts.gapMs, scale, 0);
  const b = await measure(bc.page, viewer, opts.samples, opts.gapMs, 1, 0);
  await Promise.all([tc.context.close(), bc.context.close(), console.context().close(), viewer.context().close()]);
  const ts = summarize(t.latencies);
  const bs = summarize(b.latencies);
  return [
    { scenario: 'pointer → cursor', metric: 'p50', tandem: ts.p50, baseline: bs.p50, unit: 'ms', better: 'lower', target: '≤ 20 ms, ≥ 10× better',
      met: ts.p50 <= 20 && ts.p50 * 10 <= bs.p50, note:
        `n=${ts.n}${t.lost ? ` (+${t.lost} not matched)` : ''} vs n=${bs.n}${b.lost ? ` (+${b.lost} not matched)` : ''}; clock skew ≤ ${skew.toFixed(2)} ms` },
    { scenario: 'pointer → cursor', metric: 'p99', tandem: ts.p99, baseline: bs.p99, unit: 'ms', better: 'lower', target: 'report', met: null },
  ];
}
