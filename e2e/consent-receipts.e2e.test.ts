// A consent receipt from a real session in Chromium: a customer clicks Share (and later Allow
// control, Stop control, Stop) on the real prompts, the company fetches the signed receipts from
// the API, and each verifies offline against the published JWKS with the prompt's visible text
// exactly as the customer saw it; one changed byte and it no longer verifies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { ConsentReceiptClaims } from '@tandem/protocol';
import { type AgentClient } from './harness/agent-client.ts';
import { startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';

let stack: TandemStack;
let page: Page;
let ui: TandemUi;
let agent: AgentClient;
let call: { id: string; customerId: string };
let sharePromptText = '';
let controlPromptText = '';

/** What the customer sees of the open prompt: its laid-out visible text. */
const visibleText = () => ui.evaluate('dialog', 'function () { return this.innerText; }') as Promise<string>;

async function receipts(): Promise<{ kind: string; decision: string; receipt: string }[]> {
  const res = await stack.server.api('GET', `/v1/conversations/${call.id}/consent-receipts`);
  assert.equal(res.status, 200, res.text);
  return res.body.data;
}

async function verified(jws: string): Promise<ConsentReceiptClaims> {
  const jwks = (await (await fetch(`${stack.server.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  return (await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['ES256'], typ: 'consent-receipt+jwt' })).payload as ConsentReceiptClaims;
}

before(async () => {
  stack = await startTandemStack();
  call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  const identified = page.waitForEvent('websocket').then((ws) => new Promise<void>((resolve) => ws.on('framereceived', (f) => {
    if (String(f.payload).includes('"identified"')) resolve();
  })));
  await page.goto(stack.shop.url('/shop/account.html'));
  ui = await tandemUi(page);
  await identified;
  agent = await stack.agent(call.id);
});

after(async () => {
  await stack?.close();
});

describe('consent receipts from a real customer in Chromium', () => {
  test('clicking Share yields a receipt that verifies and records the prompt\'s visible text, language and copy version', async () => {
    const inv = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
    assert.equal(inv.status, 201, inv.text);
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500); // the prompt ignores clicks in its first 400 ms
    sharePromptText = await visibleText();
    assert.ok(sharePromptText.includes(inv.body.phrase));
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.started');

    const [share] = await receipts();
    assert.deepEqual([share!.kind, share!.decision], ['share', 'accepted']);
    const claims = await verified(share!.receipt);
    assert.equal(claims.shown?.text, sharePromptText);
    assert.equal(claims.shown?.locale, 'en');
    assert.match(claims.shown?.copyVersion ?? '', /\S/);
    assert.deepEqual([claims.shown?.agentName, claims.shown?.companyName, claims.shown?.phrase], ['Dana', 'Northwind Outfitters', inv.body.phrase]);
    assert.ok(claims.clickedAt && Math.abs(Date.parse(claims.clickedAt) - Date.parse(claims.recordedAt)) < 10 * 60_000);
    assert.equal(claims.customerId, call.customerId);

    const [h, p, s] = share!.receipt.split('.') as [string, string, string];
    const i = Math.floor(p.length / 2);
    await assert.rejects(verified(`${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${s}`));
  });

  test('allowing control, taking it back and stopping add receipts; each withdrawal names what it ends', async () => {
    // The request reaches the page through its capture connection: wait until that streams.
    await agent.waitForFrame((f) => f.kind === 'snapshot');
    agent.send({ type: 'control.request' });
    await ui.waitFor('dialog [data-action="accept"]');
    await page.waitForTimeout(500);
    controlPromptText = await visibleText();
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.control_granted');
    // The server records the grant as it tells the page: the banner's button shows a moment later
    // (on a loaded machine, after the event is already listed), and a click before lands nowhere.
    await ui.waitFor('.banner [data-action="stop-control"]');
    await ui.click('.banner [data-action="stop-control"]');
    await waitForEvent(stack.server, call.id, 'session.control_revoked');
    await ui.click('.banner [data-action="stop"]');
    await waitForEvent(stack.server, call.id, 'session.ended');

    const list = await receipts();
    assert.deepEqual(list.map((r) => `${r.kind}.${r.decision}`), ['share.accepted', 'control.accepted', 'control.withdrawn', 'share.withdrawn']);
    const [share, control, controlBack, stopped] = await Promise.all(list.map((r) => verified(r.receipt)));
    assert.equal(control!.shown?.text, controlPromptText);
    assert.match(controlPromptText, /Let Dana click and type for you\?/);
    assert.equal(controlBack!.withdraws?.receiptId, control!.jti);
    assert.equal(stopped!.withdraws?.receiptId, share!.jti);
  });
});
