// The demo's whole story in Chromium, as a newcomer would click through it, with a screenshot of
// each step. They go to e2e/screenshots (ignored); UPDATE_SCREENSHOTS=1 writes the README's copies in
// docs/screenshots instead, so a plain test run leaves the tree clean. The ways the invite reaches the customer:
//   1. Sam is not on the website: the invite goes out by SMS, the phone shows it, the link opens
//      the shop at the prompt; Sam shares; the agent sees the checkout with the card masked;
//      hanging up ends the cobrowse.
//   2. Sam is signed in on the shop: the invite is pushed to that page at once.
//   3. Sam reads the agent a support code from the shop; the agent types it into the console.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, type ExternalTandem, type RunningDemo } from './start-demo.ts';
import { startCluster } from '../../packages/server/test/cluster/cluster.ts';
import { tandemUi as sdkUi } from '../../e2e/harness/tandem-ui.ts';

// DEMO_STORY_CLUSTER=1 (demo-story-cluster.e2e.test.ts): the same story through three nodes behind nginx.
const CLUSTER = process.env.DEMO_STORY_CLUSTER === '1';
const SCREENSHOTS = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS === '1' && !CLUSTER ? '../../docs/screenshots/' : `../../e2e/screenshots/demo${CLUSTER ? '-cluster' : ''}/`,
    import.meta.url),
);

/** Three node processes behind nginx on a fresh database and an own Redis, allowing the desk's origins. */
async function clusterTandem(deskOrigins: string[]): Promise<ExternalTandem> {
  const cluster = await startCluster({ nodes: 3, env: { CORS_ORIGINS: deskOrigins.join(',') } });
  return {
    url: cluster.url,
    bootstrap: cluster.credentials,
    createClient: () => Promise.reject(new Error('a fresh cluster has its bootstrap client')),
    close: () => cluster.close(),
  };
}
const VIEWPORT = { width: 1280, height: 800 };
const SAM = { id: 'cust-1042', phone: '+14155550123' };
const CARD = '4242 4242 4242 4242';
const CVC = '737';
const PASSWORD = 'correct-horse-battery';
const NOTE = 'Please leave it with the neighbour at number 12';

interface TandemEventLike { type: string; data: Record<string, unknown> }
interface ReplicaState { text: string; html: string; fields: Record<string, string> }

let demo: RunningDemo;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];
// Process warnings while the demo runs in this process (`npm start` once printed a
// MaxListenersExceededWarning for an AbortSignal during a session).
const warnings: string[] = [];
const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'America/Los_Angeles' });
  contexts.push(context);
  return context.newPage();
}

async function backendEvents(callId: string): Promise<TandemEventLike[]> {
  const res = await fetch(new URL(`/api/calls/${callId}/events`, demo.deskUrl));
  return ((await res.json()) as { data: TandemEventLike[] }).data;
}

async function waitForBackendEvent(callId: string, match: (e: TandemEventLike) => boolean, what: string, timeoutMs = 15_000): Promise<TandemEventLike> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await backendEvents(callId)).find(match);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`the demo backend never received ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The agent's live replica of the customer's page, read from the desk (same-origin sandboxed iframe). */
function readReplica(desk: Page): Promise<ReplicaState | null> {
  return desk.evaluate(() => {
    const host = document.querySelector('tandem-console');
    for (const frame of host?.shadowRoot?.querySelectorAll('iframe') ?? []) {
      const doc = frame.contentDocument;
      if (!doc?.body || !doc.querySelector('#checkout-form')) continue;
      const fields: Record<string, string> = {};
      for (const field of doc.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[id], textarea[id]')) fields[field.id] = field.value;
      return { text: doc.body.innerText, html: doc.documentElement.outerHTML, fields };
    }
    return null;
  });
}

async function waitForReplica(desk: Page, accept: (r: ReplicaState) => boolean, what: string, timeoutMs = 20_000): Promise<ReplicaState> {
  const end = Date.now() + timeoutMs;
  let last: ReplicaState | null = null;
  for (;;) {
    last = await readReplica(desk);
    if (last && accept(last)) return last;
    if (Date.now() > end) throw new Error(`the agent's replica never showed ${what}; fields: ${JSON.stringify(last?.fields ?? null)}`);
    await desk.waitForTimeout(100);
  }
}

async function currentCallId(): Promise<string> {
  const res = await fetch(new URL('/api/calls/current', demo.deskUrl));
  const { call } = (await res.json()) as { call: { id: string } | null };
  assert.ok(call, 'the backend has no call in progress');
  return call.id;
}

async function callAndConnect(desk: Page): Promise<string> {
  await desk.goto(demo.deskUrl);
  await desk.click(`[data-call-customer="${SAM.id}"]:not([disabled])`);
  await desk.waitForSelector('#call-state[data-state="connected"]');
  return currentCallId();
}

describe('outbound-dialer demo story', { timeout: 180_000 }, () => {
  before(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    process.on('warning', onWarning);
    dataDir = await mkdtemp(join(tmpdir(), 'tandem-demo-'));
    // Only what this test sets: no DATABASE_URL or REDIS_URL from the machine's environment.
    const external = CLUSTER ? { external: clusterTandem } : {};
    demo = await startDemo({ port: 0, demoPort: 0, shopPort: 0, dataDir, env: { LOG_LEVEL: 'error' }, ringMs: 800, ...external });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic',
        '--disable-sync'],
    });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await demo?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('customer not on the site: SMS link → prompt → Share → agent sees the checkout masked → hang up ends it', async () => {
    const desk = await newPage();
    await desk.goto(demo.deskUrl);
    await desk.waitForSelector(`[data-call-customer="${SAM.id}"]:not([disabled])`);
    assert.match(await desk.textContent('#guide-heading') ?? '', /Call a customer/);
    await shot(desk, '01-agent-desktop');

    await desk.click(`[data-call-customer="${SAM.id}"]`);
    await desk.waitForSelector('#call-state[data-state="dialing"]');
    await desk.waitForSelector('#call-state[data-state="connected"]');
    await desk.waitForSelector('#cobrowse:not([disabled])');
    const callId = await currentCallId();
    await desk.waitForFunction(() => document.getElementById('call-timer')?.textContent !== '00:00');
    await shot(desk, '02-call-connected');

    await desk.click('#cobrowse');
    await desk.waitForFunction(() => /texted/.test(document.getElementById('call-message')?.textContent ?? ''));
    // The embedded console is connected to Tandem and shows the pending invite.
    await desk.waitForSelector('tandem-console >> #code:not(:empty)');
    await desk.waitForSelector('tandem-console >> #link[data-tone="good"]');
    await waitForBackendEvent(callId, (e) => e.type === 'invite.created', 'invite.created');
    await shot(desk, '03-cobrowse-sms-sent');

    const phone = await newPage();
    await phone.goto(`${demo.phoneUrl}?to=${encodeURIComponent(SAM.phone)}`);
    const link = await phone.waitForSelector('.sms-link');
    assert.match(await link.textContent() ?? '', new RegExp(`^${demo.tandemUrl}/j/`));
    await phone.waitForTimeout(300);
    await shot(phone, '04-phone-sms');

    const [shop] = await Promise.all([phone.context().waitForEvent('page'), link.click()]);
    await shop.waitForLoadState('load');
    assert.equal(new URL(shop.url()).pathname, '/checkout');
    assert.equal(new URL(shop.url()).hash, '', 'the SDK takes the link secret out of the address bar');
    const ui = await sdkUi(shop);
    await ui.waitFor('button[data-action="accept"]');
    assert.match(await ui.text('dialog'), /Share this tab with Dana\?/);
    await waitForBackendEvent(callId, (e) => e.type === 'invite.opened', 'invite.opened');
    await shop.waitForTimeout(500); // past the prompt's arming delay, and the guide's next poll
    await shot(shop, '05-shop-consent-prompt');

    await ui.click('button[data-action="accept"]');
    await ui.waitFor('.banner');
    await waitForBackendEvent(callId, (e) => e.type === 'session.started', 'session.started');

    // Sam fills the form while the agent watches: the opted-in note first, then the secrets.
    await shop.fill('#delivery-note', NOTE);
    await shop.fill('#card-number', CARD);
    await shop.fill('#card-expiry', '12 / 29');
    await shop.fill('#card-cvc', CVC);
    await shop.fill('#password', PASSWORD);
    assert.equal(await shop.inputValue('#card-number'), CARD, 'the customer sees what they typed');

    const replica = await waitForReplica(desk,
      (r) => r.fields['delivery-note'] === NOTE && /^\*{19}$/.test(r.fields['card-number'] ?? '') && /^\*+$/.test(r.fields['password'] ?? ''),
      'the note in clear and the card number and password masked');
    assert.match(replica.text, /Checkout/);
    for (const secret of [CARD, CARD.replace(/ /g, ''), PASSWORD]) {
      assert.ok(!replica.text.includes(secret), `the replica's visible text contains ${secret}`);
      assert.ok(!replica.html.includes(secret), `the replica's document contains ${secret}`);
    }
    assert.ok(!Object.values(replica.fields).some((v) => v.includes('4242')), 'a replica field holds card digits');
    assert.equal(replica.fields['card-cvc'], '***');
    // Opted in: the delivery speed Sam picks shows; the State select stays masked, as by default.
    await shop.check('input[name="speed"][value="express"]');
    await shop.selectOption('select[name="state"]', 'Oregon');
    await desk.waitForFunction(() => {
      for (const frame of document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('iframe') ?? []) {
        const express = frame.contentDocument?.querySelector<HTMLInputElement>('input[name="speed"][value="express"]');
        if (express?.checked) return true;
      }
      return false;
    }, undefined, { timeout: 10_000 });
    const state = await readReplica(desk);
    assert.ok(state && !/Oregon|California/.test(state.html), 'the State select reached the agent in clear');
    await desk.waitForFunction(() => /is sharing/.test(document.getElementById('guide-heading')?.textContent ?? ''));
    await shot(shop, '06-shop-sharing');
    await desk.waitForTimeout(400);
    await shot(desk, '07-agent-sees-checkout');
    // In the desk the console is narrow: Expand gives the replica the whole console, larger.
    const scaleShown = async () => Number(/(\d+)%/.exec(await desk.textContent('tandem-console >> #viewport') ?? '')?.[1] ?? 0);
    const fitted = await scaleShown();
    await desk.click('tandem-console >> #expand');
    await desk.waitForFunction((before) => {
      const text = document.querySelector('tandem-console')?.shadowRoot?.getElementById('viewport')?.textContent ?? '';
      return Number(/(\d+)%/.exec(text)?.[1] ?? 0) > before + 15;
    }, fitted, { timeout: 5_000 });
    await desk.waitForTimeout(300);
    await shot(desk, '07b-agent-expanded');
    assert.ok((await scaleShown()) > fitted, `expanded ${await scaleShown()} % vs fitted ${fitted} %`);
    await desk.click('tandem-console >> #expand');

    await desk.click('#hangup');
    await desk.waitForSelector('#call-state[data-state="ended"]');
    await ui.waitForGone('.banner');
    const ended = await waitForBackendEvent(callId, (e) => e.type === 'session.ended', 'session.ended');
    assert.equal(ended.data['reason'], 'call_ended');
    await desk.waitForFunction(() => /call_ended/.test(document.getElementById('guide-text')?.textContent ?? ''));
    await shot(desk, '08-call-ended');
    await ui.detach();
  });

  test('customer signed in on the shop: Cobrowse pushes the prompt to that page at once', async () => {
    const shop = await newPage();
    const identified = new Promise<void>((resolve) => {
      shop.on('websocket', (ws) => ws.on('framereceived', (frame) => {
        if (String(frame.payload).includes('"identified"')) resolve();
      }));
    });
    await shop.goto(new URL('/signin?next=/product/trailhead-28-daypack', demo.shopUrl).href);
    await shop.fill('#signin-password', 'any password');
    await Promise.all([shop.waitForURL('**/product/trailhead-28-daypack'), shop.click('.signin-form button[type="submit"]')]);
    assert.match(await shop.textContent('.hello') ?? '', /Hi, Sam/);
    await identified;

    const desk = await newPage();
    const callId = await callAndConnect(desk);
    await desk.click('#cobrowse');
    await desk.waitForFunction(() => /open page/.test(document.getElementById('call-message')?.textContent ?? ''));

    const ui = await sdkUi(shop);
    await ui.waitFor('button[data-action="accept"]', 5_000);
    const delivered = await waitForBackendEvent(callId, (e) => e.type === 'invite.delivered', 'invite.delivered');
    assert.equal(delivered.data['channel'], 'push');
    await shop.waitForTimeout(500);
    await shot(shop, '09-push-prompt-signed-in');

    await ui.click('button[data-action="accept"]');
    await ui.waitFor('.banner');
    await waitForBackendEvent(callId, (e) => e.type === 'session.started', 'session.started');
    await desk.click('#hangup');
    await ui.waitForGone('.banner');
    const ended = await waitForBackendEvent(callId, (e) => e.type === 'session.ended', 'session.ended');
    assert.equal(ended.data['reason'], 'call_ended');
    await ui.detach();
  });

  test('customer reads a support code from the shop; the agent types it into the console', async () => {
    const shop = await newPage();
    await shop.goto(new URL('/help', demo.shopUrl).href);
    await shop.click('[data-support="request"]');
    const shown = await shop.waitForFunction(() => {
      const text = document.getElementById('code-dialog-code')?.textContent ?? '';
      return /^\d{3} \d{3} \d{4}$/.test(text) ? text : null;
    });
    const code = String(await shown.jsonValue()).replace(/ /g, '');
    await shot(shop, '10-customer-support-code');

    const desk = await newPage();
    const callId = await callAndConnect(desk);
    // The console opens with the call, before any invite: that is where the code goes.
    await desk.waitForSelector('tandem-console >> #claim:not([disabled])');
    await desk.fill('tandem-console >> #claim', code);
    await desk.click('tandem-console >> #claim-button');

    const ui = await sdkUi(shop);
    await ui.waitFor('button[data-action="accept"]');
    await shop.waitForSelector('#code-dialog', { state: 'hidden' });
    await shop.waitForTimeout(500);
    await ui.click('button[data-action="accept"]');
    await ui.waitFor('.banner');
    await waitForBackendEvent(callId, (e) => e.type === 'session.started', 'session.started');
    await desk.waitForSelector('tandem-console >> #claim-msg[data-tone="good"]');
    await desk.click('#hangup');
    await ui.waitForGone('.banner');
    const ended = await waitForBackendEvent(callId, (e) => e.type === 'session.ended', 'session.ended');
    assert.equal(ended.data['reason'], 'call_ended');
    await ui.detach();
  });

  test('the whole story ran without a listener-leak warning from the server or the demo backend', () => {
    process.off('warning', onWarning);
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
  });
});
