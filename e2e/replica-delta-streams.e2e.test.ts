// A change travels in one of two deflate streams by its size (packages/sdk/src/capture/delta-frames.ts):
// small ones compressed at once on the customer's page, larger ones in its worker. Both must reach
// the agent console's replica, in order, and neither may carry what the page masks: checked on the
// wire as Chromium saw the page send it (inflated from each stream) and in the replica itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { FRAME_KIND } from '@tandem/protocol';
import { startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi } from './harness/tandem-ui.ts';
import { watchWire, type SentFrame, type WireWatch } from './harness/wire-watch.ts';

const SECRETS = ['SMALL-SECRET-2291', 'BURST-SECRET-4417', '4111111111111111'];

let stack: TandemStack;
let customer: Page;
let consolePage: Page;
let wire: WireWatch;

/** The text of the newest replica iframe inside the console's shadow root. */
function replicaText(): Promise<string> {
  return consolePage.evaluate(() => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
    const iframe = layers?.[layers.length - 1] as HTMLIFrameElement | undefined;
    return iframe?.contentDocument?.documentElement?.outerHTML ?? '';
  });
}

async function replicaShows(text: string): Promise<string> {
  let last = '';
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    last = await replicaText();
    if (last.includes(text)) return last;
  }
  assert.fail(`the replica never showed "${text}"`);
}

/** The delta the page sent with `text` in it, as it went on the wire. */
async function sentWith(text: string): Promise<SentFrame> {
  for (const end = Date.now() + 5_000; Date.now() < end; await customer.waitForTimeout(25)) {
    const sent = wire.frames().find((f) => f.opcode === 2 && f.kind === FRAME_KIND.DELTA && f.text.includes(text));
    if (sent) return sent;
  }
  assert.fail(`no delta with "${text}" on the wire`);
}

before(async () => {
  stack = await startTandemStack();
  const call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  customer = await (await stack.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  consolePage = await (await stack.browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  wire = await watchWire(customer);
  await customer.goto(stack.shop.url('/shop/account.html'));
  await customer.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  for (const end = Date.now() + 10_000; !wire.received().some((t) => t.includes('"identified"'));) {
    if (Date.now() > end) throw new Error('the page never identified');
    await customer.waitForTimeout(25);
  }
  const token = await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id });
  await consolePage.goto(token.body.consoleUrl);
  const invite = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
  assert.equal(invite.status, 201, invite.text);
  const ui = await tandemUi(customer);
  await ui.waitFor('dialog [data-action="accept"]');
  await customer.waitForTimeout(600);
  await ui.click('dialog [data-action="accept"]');
  await waitForEvent(stack.server, call.id, 'session.started');
  await replicaShows('Your account');
  // The page's own compressor is fetched after Share: on a busy machine the first small deltas can
  // leave by the worker before it has arrived. Change the title until one goes the page's way.
  for (let i = 1; ; i++) {
    await customer.evaluate((n) => (document.getElementById('title')!.textContent = `Warming up ${n}`), i);
    if ((await sentWith(`Warming up ${i}`)).stream === 1) break;
    if (i >= 40) throw new Error('no small delta went in the page\'s own stream');
    await customer.waitForTimeout(100);
  }
});

after(async () => {
  await stack?.close();
});

describe('small and large deltas, each in its own stream', () => {
  test('a small change and a burst both reach the replica, alternating, and nothing masked reaches the wire', async () => {
    for (const round of [1, 2]) {
      // Small: the title, and a masked note added beside it.
      await customer.evaluate(([r, secret]) => {
        document.getElementById('title')!.textContent = `Small change ${r}`;
        const note = document.createElement('p');
        note.setAttribute('data-tandem-mask', '');
        note.textContent = `${secret} ${r}`;
        document.querySelector('main')!.append(note);
      }, [round, SECRETS[0]!] as const);
      await replicaShows(`Small change ${round}`);
      const small = await sentWith(`Small change ${round}`);
      assert.deepEqual([small.compressed, small.stream, small.unreadable], [true, 1, undefined], 'the small change\'s frame');

      // Large: 80 rows at once, one of them masked.
      await customer.evaluate(([r, secret]) => {
        const list = document.createElement('section');
        for (let i = 0; i < 80; i++) {
          const row = document.createElement('p');
          row.textContent = `Burst ${r} row ${i}: parcel ${i * 7} left the depot, courier on the way`;
          if (i === 40) {
            row.setAttribute('data-tandem-mask', '');
            row.textContent = `${secret} ${r}`;
          }
          list.append(row);
        }
        document.querySelector('main')!.append(list);
      }, [round, SECRETS[1]!] as const);
      await replicaShows(`Burst ${round} row 79:`);
      const large = await sentWith(`Burst ${round} row 79:`);
      assert.deepEqual([large.compressed, large.stream, large.unreadable], [true, 0, undefined], 'the burst\'s frame');
    }
    // Typing into a masked field: keystrokes are small deltas.
    await customer.click('#card');
    await customer.keyboard.type(SECRETS[2]!);
    await customer.evaluate(() => (document.getElementById('title')!.textContent = 'After typing'));
    const replica = await replicaShows('After typing');

    const frames = wire.frames();
    assert.deepEqual(frames.filter((f) => f.unreadable).length, 0, 'a compressed frame could not be inflated');
    const sent = frames.map((f) => f.text).join('\n');
    for (const secret of SECRETS) {
      assert.ok(!sent.includes(secret), `"${secret}" was sent by the page`);
      assert.ok(!replica.includes(secret), `"${secret}" is in the replica`);
    }
    // The masked rows arrived as rows (masked text), not as nothing.
    assert.ok(replica.includes('data-tandem-mask'), 'the masked rows never reached the replica');
  });
});
