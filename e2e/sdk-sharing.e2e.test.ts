// The customer's side through the real server, in Chromium: a live page gets the invite pushed,
// the prompt shows, nothing is captured or even loaded before a trusted Share, pointers travel
// both ways, control needs a second yes and stops on revoke, and Stop ends the session.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { FRAME_KIND, type ControlCommand } from '@tandem/protocol';
import { nodeIdInSnapshot, type AgentClient } from './harness/agent-client.ts';
import { eventsOf, screenshotsDir, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';

const VISITOR_MESSAGES = new Set(['hello', 'identify', 'invite.open', 'ping']);

let stack: TandemStack;
let page: Page;
let ui: TandemUi;
let wire: WireWatch;
let agent: AgentClient;
let call: { id: string; customerId: string };
let phrase = '';

const captureRequested = () => wire.requests().some((u) => u.includes('/sdk/capture.js'));
const shot = (name: string) => page.screenshot({ path: join(screenshotsDir, name) });
const settle = () => page.waitForTimeout(500);

/** The note the customer sees when sharing or control ends: a status region, saying `text`, with a dismiss button. */
async function noteSays(text: RegExp): Promise<void> {
  await ui.waitFor('.note[role="status"]');
  const end = Date.now() + 5_000;
  let said = '';
  while (!text.test((said = await ui.text('.note .txt')))) {
    if (Date.now() > end) throw new Error(`the note says "${said}", not ${text}`);
    await page.waitForTimeout(25);
  }
  assert.equal(await ui.evaluate('.note [data-action="dismiss"]', "function () { return this.getAttribute('aria-label'); }"), 'Dismiss');
}

/** A new invite, accepted with a real click: sharing again. */
async function shareAgain(): Promise<string> {
  const res = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
  assert.equal(res.status, 201, res.text);
  await ui.waitFor('dialog [data-action="accept"]');
  // The prompt refuses clicks in its first moments (a click meant for the page must not share).
  await settle();
  await ui.click('dialog [data-action="accept"]');
  await ui.waitFor('.banner [data-action="stop"]');
  const sessions = (await stack.server.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data as { id: string; state: string }[];
  const live = sessions.find((s) => s.state === 'active');
  assert.ok(live, JSON.stringify(sessions));
  return live.id;
}

async function pageEvents(): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { tandemEvents: { name: string }[] }).tandemEvents.map((e) => e.name));
}

before(async () => {
  stack = await startTandemStack();
  call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  wire = await watchWire(page);
  await page.goto(stack.shop.url('/shop/account.html'));
  ui = await tandemUi(page);
  // Present and identified: the server can push the invite to this page.
  await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  const end = Date.now() + 10_000;
  while (!wire.received().some((t) => t.includes('"identified"'))) {
    if (Date.now() > end) throw new Error('the page never identified');
    await page.waitForTimeout(25);
  }
  agent = await stack.agent(call.id);
});

after(async () => {
  await stack?.close();
});

describe('customer side, through the server', () => {
  test('the invite is pushed to the live page and the prompt shows company, agent, phrase and what stays hidden', async () => {
    const res = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.deliveries.map((d: { channel: string; state: string }) => [d.channel, d.state]), [['push', 'delivered']]);
    phrase = res.body.phrase;
    await ui.waitFor('dialog [data-action="accept"]');
    const text = await ui.text('dialog');
    assert.match(text, /Northwind Outfitters/);
    assert.match(text, /Share this tab with Dana\?/);
    assert.match(text, /Passwords and card numbers are never shown/);
    assert.ok(text.includes(phrase), `phrase ${phrase} not shown`);
    assert.equal(
      await ui.evaluate('dialog',
        "function () { return this.getAttribute('role') + '|' + !!this.getAttribute('aria-labelledby') + '|' + !!this.getAttribute('aria-describedby'); }"),
          'dialog|true|true');
    // The page's stylesheet says `tandem-ui { display: none !important }`: the prompt shows anyway.
    assert.ok(await ui.evaluate('dialog', 'function () { return this.checkVisibility(); }'));
    await waitForEvent(stack.server, call.id, 'invite.opened');
    assert.deepEqual(await pageEvents(), ['invite.shown']);
    await settle();
    await shot('sdk-prompt.png');
  });

  test('before Share: only visitor control messages on the wire, no capture code loaded', () => {
    assert.ok(!captureRequested(), 'capture bundle was requested before consent');
    const frames = wire.frames();
    assert.ok(frames.length > 0);
    for (const f of frames) {
      assert.equal(f.opcode, 1, 'a binary frame was sent before consent');
      const type = (JSON.parse(f.text) as { type: string }).type;
      assert.ok(VISITOR_MESSAGES.has(type), `unexpected message before consent: ${type}`);
    }
  });

  test('a script-dispatched click on Share does nothing', async () => {
    await ui.scriptClick('dialog [data-action="accept"]');
    await settle();
    assert.ok(await ui.find('dialog [data-action="accept"]'), 'the prompt went away');
    assert.ok(!captureRequested());
    assert.ok(!wire.frames().some((f) => f.text.includes('invite.accept')));
    assert.equal((await stack.server.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data.length, 0);
  });

  test('a real click on Share starts sharing: the dialer sees session.started, the agent gets a compressed snapshot', async () => {
    await ui.click('dialog [data-action="accept"]');
    const started = await waitForEvent(stack.server, call.id, 'session.started');
    assert.ok(started.sessionId);
    const consent =
      (await stack.server.api('GET', `/v1/conversations/${call.id}/audit`)).body.data.find((e: { type: string }) => e.type === 'consent.share.accepted');
    assert.equal(consent.data.shown.phrase, phrase);
    assert.equal(consent.data.shown.agentName, 'Dana');
    assert.match(consent.data.shown.text, /Share this tab with Dana\?/);

    const snapshot = await agent.waitForFrame((f) => f.kind === 'snapshot' && f.text.includes('Recent orders'));
    assert.ok(snapshot.text.includes('Your account'));
    assert.ok(!snapshot.text.includes('jordan@example.com'), 'an input value not opted in reached the agent');
    assert.ok(captureRequested());
    // Pointer frames are not sequenced and may come first; the stream itself opens with a snapshot.
    // DevTools reports sent frames asynchronously: the agent can have the snapshot first.
    const sentPageFrames = () => wire.frames().filter((f) => f.opcode === 2 && f.kind !== FRAME_KIND.POINTER);
    for (const end = Date.now() + 5000; sentPageFrames().length === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
    const binary = sentPageFrames();
    assert.equal(binary[0]?.kind, FRAME_KIND.SNAPSHOT);
    assert.ok(binary.some((f) => f.compressed));
    await ui.waitFor('.banner [data-action="stop"]');
    assert.match(await ui.text('.banner'), /Sharing this tab with Dana/);
    assert.deepEqual(await pageEvents(), ['invite.shown', 'invite.accepted', 'session.started']);
    await shot('sdk-banner.png');
  });

  test('the customer pointer reaches the agent as pointer frames; the agent pointer and highlight show on the page', async () => {
    await page.mouse.move(300, 200);
    await page.mouse.move(420, 260, { steps: 4 });
    const pointer = await agent.waitForFrame((f) => f.kind === 'pointer' && f.text === JSON.stringify({ x: 420, y: 260 }));
    assert.equal(pointer.seq, 0);
    assert.ok(!agent.frames().some((f) => f.kind === 'delta' && /"source":1,/.test(f.text)), 'mouse moves went out in rrweb deltas');

    agent.send({ type: 'pointer', x: 640, y: 180, visible: true });
    const hidden = 'function () { return this.hidden; }';
    const end = Date.now() + 5_000;
    while (await ui.evaluate('[data-agent-pointer]', hidden).catch(() => true)) {
      if (Date.now() > end) throw new Error('agent pointer not shown');
      await page.waitForTimeout(25);
    }
    const titleId = nodeIdInSnapshot(agent.frames(), 'orders');
    assert.ok(titleId !== null);
    agent.send({ type: 'highlight', nodeId: titleId });
    await ui.waitFor('[data-agent-highlight]');
    const box =
      (await ui.evaluate('[data-agent-highlight]', 'function () { const r = this.getBoundingClientRect(); return [r.width, r.height]; }')) as number[];
    const orders = await page.locator('#orders').boundingBox();
    assert.ok(orders && Math.abs(box[0]! - orders.width - 8) <= 2, `highlight ${box} vs ${JSON.stringify(orders)}`);
    await shot('sdk-agent-pointer.png');
    agent.send({ type: 'highlight', nodeId: null });
    agent.send({ type: 'pointer', x: 0, y: 0, visible: false });
  });

  test('control needs a second, separate yes; then clicks and typing work, masked fields refuse; Stop control ends it', async () => {
    const ids = { button: nodeIdInSnapshot(agent.frames(), 'add-item')!, city: nodeIdInSnapshot(agent.frames(), 'city')!, password:
      nodeIdInSnapshot(agent.frames(), 'password')!, email: nodeIdInSnapshot(agent.frames(), 'email')!, card: nodeIdInSnapshot(agent.frames(), 'card')! };
    agent.send({ type: 'control.command', id: 1, command: { action: 'click', nodeId: ids.button } });
    const refused = await agent.waitFor('error');
    assert.equal(refused.code, 'invalid_state');

    agent.send({ type: 'control.request' });
    await ui.waitFor('dialog [data-action="accept"]');
    assert.match(await ui.text('dialog'), /Let Dana click and type for you\?/);
    await settle();
    await shot('sdk-control-prompt.png');
    await ui.scriptClick('dialog [data-action="accept"]');
    await settle();
    assert.ok(!(await eventsOf(stack.server, call.id)).some((e) => e.type === 'session.control_granted'), 'a script click granted control');
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.control_granted');
    const end = Date.now() + 5_000;
    while (!/can click and type/.test(await ui.text('.banner'))) {
      if (Date.now() > end) throw new Error('banner does not say control is on');
      await page.waitForTimeout(25);
    }
    await shot('sdk-banner-control.png');

    const run = async (id: number, command: ControlCommand) => {
      agent.send({ type: 'control.command', id, command });
      return agent.waitFor('control.result', (m) => m.id === id);
    };
    assert.equal((await run(2, { action: 'click', nodeId: ids.button })).ok, true);
    assert.equal(await page.locator('#status').textContent(), 'Reordered: 1 item.');
    assert.equal((await run(3, { action: 'type', nodeId: ids.city, text: 'Lisbon' })).ok, true);
    assert.equal(await page.locator('#city').inputValue(), 'Lisbon');
    for (const [n, id] of [[4, ids.password], [5, ids.email], [6, ids.card]] as const) {
      const result = await run(n, { action: 'type', nodeId: id, text: 'x' });
      assert.deepEqual([result.ok, result.error], [false, 'masked_field']);
    }
    assert.equal(await page.locator('#password').inputValue(), '');
    assert.equal(await page.locator('#email').inputValue(), 'jordan@example.com');
    assert.equal((await run(7, { action: 'scroll', x: 0, y: 400 })).ok, true);
    assert.equal(await page.evaluate(() => scrollY), 400);
    await page.evaluate(() => scrollTo(0, 0));

    await ui.click('.banner [data-action="stop-control"]');
    await waitForEvent(stack.server, call.id, 'session.control_revoked');
    // The customer is told, in a status note, that control is over (sharing goes on).
    await noteSays(/^Dana can no longer click and type in this tab\.$/);
    await shot('sdk-note-control-ended.png');
    const before = agent.messages().filter((m) => m.type === 'error').length;
    agent.send({ type: 'control.command', id: 8, command: { action: 'click', nodeId: ids.button } });
    await agent.waitFor('error', () => agent.messages().filter((m) => m.type === 'error').length > before);
    assert.deepEqual((await pageEvents()).slice(-2), ['control.granted', 'control.revoked']);
  });

  test('Stop ends the session at once with reason customer_stopped and the banner goes', async () => {
    await ui.click('.banner [data-action="stop"]');
    const ended = await waitForEvent(stack.server, call.id, 'session.ended');
    assert.equal(ended.data.reason, 'customer_stopped');
    await ui.waitForGone('.banner');
    await noteSays(/^Sharing has ended\. Dana no longer sees this tab\.$/);
    await shot('sdk-note-stopped.png');
    await ui.click('.note [data-action="dismiss"]');
    await ui.waitForGone('.note');
    assert.equal((await pageEvents()).at(-1), 'session.ended');
    const framesAfter = wire.frames().length;
    await page.mouse.move(100, 100);
    await page.evaluate(() => document.getElementById('add-item')?.click());
    await settle();
    assert.ok(!wire.frames().slice(framesAfter).some((f) => f.opcode === 2), 'capture kept sending after Stop');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tandem.session')), null);
  });

  test('when the agent ends sharing, or the call ends, the customer is told why and the note goes by itself', async () => {
    const sessionId = await shareAgain();
    // Ended for the agent (as the console's End session does), through the API.
    const ended = await stack.server.api('POST', `/v1/sessions/${sessionId}/end`, { reason: 'agent_ended' });
    assert.ok(ended.status < 300, ended.text);
    await ui.waitForGone('.banner');
    await noteSays(/^Dana ended sharing and no longer sees this tab\.$/);
    await settle();
    await shot('sdk-note-agent-ended.png');
    // It goes by itself after a few seconds.
    await ui.waitForGone('.note', 10_000);

    await shareAgain();
    const res = await stack.server.api('PUT', `/v1/conversations/${call.id}`, { state: 'disconnected' });
    assert.ok(res.status === 200 || res.status === 201, res.text);
    await ui.waitForGone('.banner');
    await noteSays(/^The call ended, and so did sharing\. Dana no longer sees this tab\.$/);
  });
});
