// Larger deltas are deflated in a Web Worker, off the customer's main thread (bench: capture cost);
// small ones are compressed at once on the page, in a second stream, where the worker's round
// trip would cost more time than the compression (bench: DOM change → replica). A page whose policy
// forbids workers still shares: its small deltas are still compressed, its larger ones go
// uncompressed, which the wire format allows, and nothing breaks on the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { FRAME_KIND } from '@tandem/protocol';
import { startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi } from './harness/tandem-ui.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

/** `path` shared for real (invite, a real click on Share); the agent's client is connected. */
async function share(path: string) {
  const call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  const context = await stack.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page: Page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const wire: WireWatch = await watchWire(page);
  await page.goto(stack.shop.url(path));
  await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  for (const end = Date.now() + 10_000; !wire.received().some((t) => t.includes('"identified"'));) {
    if (Date.now() > end) throw new Error('the page never identified');
    await page.waitForTimeout(25);
  }
  const agent = await stack.agent(call.id);
  const invite = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
  assert.equal(invite.status, 201, invite.text);
  const ui = await tandemUi(page);
  await ui.waitFor('dialog [data-action="accept"]');
  await page.waitForTimeout(600);
  await ui.click('dialog [data-action="accept"]');
  await waitForEvent(stack.server, call.id, 'session.started');
  await agent.waitForFrame((f) => f.kind === 'snapshot');
  return { page, wire, agent, pageErrors, close: () => context.close() };
}

/** The page changes a text; the agent's delta with it, and the frame the page sent for it. */
async function change(s: Awaited<ReturnType<typeof share>>, selector: string, text: string) {
  await s.page.evaluate(([sel, t]) => (document.querySelector(sel!)!.textContent = t!), [selector, text]);
  await s.agent.waitForFrame((f) => f.kind === 'delta' && f.text.includes(text));
  for (let end = Date.now() + 5_000; Date.now() < end; await s.page.waitForTimeout(25)) {
    const sent = s.wire.frames().find((f) => f.opcode === 2 && f.kind === FRAME_KIND.DELTA && f.text.includes(text));
    if (sent) return sent;
  }
  throw new Error(`no delta with ${text} on the wire`);
}

/**
 * The first small change that goes the page's own way. Its compressor's code is fetched after
 * Share, so on a busy machine the first deltas can leave before it has arrived, by the worker (or
 * as they are, where workers are forbidden); the page changes `selector` until one goes in the
 * second stream, for a few seconds at most.
 */
async function firstInlineChange(s: Awaited<ReturnType<typeof share>>, selector: string, text: string) {
  for (let i = 1; ; i++) {
    const sent = await change(s, selector, `${text} (${i})`);
    if (sent.stream === 1 || i >= 40) return sent;
    await s.page.waitForTimeout(100);
  }
}

/** A change of `count` paragraphs at once: a delta far over the size compressed on the page. */
async function burst(s: Awaited<ReturnType<typeof share>>, tag: string, count: number) {
  await s.page.evaluate(([t, n]) => {
    const words = 'parcel delivery return invoice refund courier tracking warranty'.split(' ');
    for (let i = 0; i < n; i++) {
      const p = document.createElement('p');
      p.textContent = `${t} ${i} ${words.map((w, k) => words[(i + k * 3) % words.length]).join(' ')}`;
      document.body.append(p);
    }
  }, [tag, count] as const);
  const last = `${tag} ${count - 1} `;
  await s.agent.waitForFrame((f) => f.kind === 'delta' && f.text.includes(last));
  for (let end = Date.now() + 5_000; Date.now() < end; await s.page.waitForTimeout(25)) {
    const sent = s.wire.frames().find((f) => f.opcode === 2 && f.kind === FRAME_KIND.DELTA && f.text.includes(last));
    if (sent) return sent;
  }
  throw new Error(`no delta with ${last} on the wire`);
}

describe('deltas are compressed: small ones at once, larger ones off the main thread', () => {
  test('a small change goes compressed in the second stream, a burst in the worker\'s, and both streams go on', async () => {
    const s = await share('/shop/account.html');
    try {
      const sent = await firstInlineChange(s, 'h1', 'Your account, changed once');
      assert.equal(sent.compressed, true, 'the delta went uncompressed');
      assert.equal(sent.stream, 1, 'a small delta took the worker\'s stream');
      assert.ok(!sent.unreadable, 'the delta did not follow its stream');
      const big = await burst(s, 'Shipped', 60);
      assert.equal(big.compressed, true);
      assert.equal(big.stream, 0, 'a burst was compressed on the page\'s main thread');
      assert.ok(!big.unreadable);
      // The next ones continue the same streams (against the snapshot and the deltas before).
      const next = await change(s, 'h1', 'Your account, changed twice');
      assert.deepEqual([next.compressed, next.stream, next.unreadable], [true, 1, undefined]);
      const bigNext = await burst(s, 'Returned', 60);
      assert.deepEqual([bigNext.compressed, bigNext.stream, bigNext.unreadable], [true, 0, undefined]);
      assert.ok(s.page.workers().some((w) => w.url().startsWith('blob:')), 'no worker on the page');
      assert.deepEqual(s.pageErrors, []);
    } finally {
      await s.close();
    }
  });

  test('a page whose policy forbids workers still shares: small deltas compressed, a burst uncompressed, nothing breaks', async () => {
    const s = await share('/shop/no-workers.html');
    try {
      const sent = await firstInlineChange(s, '#status', 'Basket: 3 items');
      assert.deepEqual([sent.compressed, sent.stream], [true, 1]);
      const big = await burst(s, 'Suggested', 60);
      assert.equal(big.compressed, false);
      const next = await change(s, '#status', 'Basket: 4 items');
      assert.deepEqual([next.compressed, next.stream, next.unreadable], [true, 1, undefined]);
      assert.equal(s.page.workers().length, 0);
      assert.deepEqual(s.pageErrors, []);
    } finally {
      await s.close();
    }
  });
});
