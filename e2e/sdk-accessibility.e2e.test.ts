// The customer's prompts, banner and link notice for everyone, in every language, in Chromium:
// axe-core finds nothing on any state; the keyboard alone walks each flow (Tab stays in the
// prompt, Escape declines and gives focus back, Enter shares and allows control); the
// accessibility tree names the dialog and its buttons as a screen reader reads them; the status
// region says "Sharing with …", "… can click and type" and when it ends, in the customer's
// language; and the prompt fits a 320 px wide window without clipping.
//
// One browser page walks every language in turn (Tandem.push(['locale', lang]) before the loader
// arrives, then Tandem.locale(lang)), so the run stays short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { LOCALES, fill } from '../packages/sdk/src/loader/locale-choice.ts';
import type { LocaleStrings } from '../packages/sdk/src/loader/locales/en.ts';
import type { AgentClient } from './harness/agent-client.ts';
import { accessibilityTree, axeTandemUi, openTandemShadowForAudit, type AxeViolation } from './harness/a11y-audit.ts';
import { screenshotsDir, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';

let stack: TandemStack;
let page: Page;
let cdp: CDPSession;
let ui: TandemUi;
let agent: AgentClient;
let call: { id: string; customerId: string };
let customerId = '';
const words = new Map<string, LocaleStrings>();
// Set CONSENT_SHEET_DIR=docs/consent to refresh the contact sheet's screenshots.
const sheetDir = process.env.CONSENT_SHEET_DIR ?? join(screenshotsDir, 'consent');

before(async () => {
  for (const lang of LOCALES) words.set(lang, ((await import(`../packages/sdk/src/loader/locales/${lang}.ts`)) as { default?: LocaleStrings;
    en?: LocaleStrings }).default ?? (await import('../packages/sdk/src/loader/locales/en.ts')).en);
  await mkdir(sheetDir, { recursive: true });
  await mkdir(join(screenshotsDir, 'consent'), { recursive: true });
  stack = await startTandemStack();
  customerId = (await stack.call()).customerId;
  stack.shop.setCustomer(customerId);
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await openTandemShadowForAudit(context);
  // The site picks the language the documented way, before the loader has arrived.
  await context.addInitScript(() => {
    (window as unknown as { Tandem: unknown[] }).Tandem = [['locale', sessionStorage.getItem('lang') ?? 'en']];
  });
  page = await context.newPage();
  await page.goto(stack.shop.url('/shop/account.html'));
  await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  ui = await tandemUi(page);
  cdp = await context.newCDPSession(page);
});

after(async () => {
  await stack?.close();
});

const none = (v: AxeViolation[], where: string) => assert.deepEqual(v, [], `axe found problems in ${where}: ${JSON.stringify(v, null, 1)}`);

async function focused(): Promise<string | null> {
  return page.evaluate(() => {
    const root = document.querySelector('tandem-ui')?.shadowRoot;
    const el = root?.activeElement ?? document.activeElement;
    return el?.getAttribute('data-action') ?? (el?.id ? `#${el.id}` : null);
  });
}

/**
 * What a status region says (after its short pause), or '' while it is silent: the host's own
 * region, or the note shown when sharing or control ends (its text, without its dismiss button).
 */
async function waitForStatus(text: string) {
  const end = Date.now() + 10_000;
  for (;;) {
    const said = await page.evaluate(() => [...document.querySelector('tandem-ui')?.shadowRoot?.querySelectorAll('[role="status"]') ?? []]
      .map((el) => (el.querySelector('.txt') ?? el).textContent ?? '').filter(Boolean).join(' | '));
    if (said.split(' | ').includes(text)) return;
    if (Date.now() > end) throw new Error(`status region says "${said}", not "${text}"`);
    await page.waitForTimeout(50);
  }
}

/** Nothing inside the open prompt or banner is cut off or spills out sideways. */
async function overflowIn(selector: string, on: TandemUi = ui): Promise<string[]> {
  return (await on.evaluate(selector, `function () {
    const bad = [];
    const box = this.getBoundingClientRect();
    if (box.left < 0 || box.right > innerWidth + 0.5) bad.push('the box leaves the window: ' + box.left + '..' + box.right);
    if (this.scrollWidth > this.clientWidth + 1) bad.push('scrolls sideways');
    for (const el of this.querySelectorAll('*')) {
      if (el.closest('[hidden]') || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) bad.push(el.tagName + '.' + el.className + ' clips its text sideways');
      if (el.tagName === 'BUTTON' && el.scrollHeight > el.clientHeight + 1) bad.push('button ' + el.textContent + ' clips its text');
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) bad.push(el.tagName + ' ' + (el.textContent || '').slice(0, 30) + ' sticks out');
    }
    return bad;
  }`)) as string[];
}

async function targetsTooSmall(selector: string): Promise<string[]> {
  return (await ui.evaluate(selector, `function () {
    return [...this.querySelectorAll('button')].filter((b) => !b.hidden).map((b) => b.getBoundingClientRect()).filter((r) => r.width < 24 || r.height < ` +
      `24).map((r) => r.width + 'x' + r.height);
  }`)) as string[];
}

async function invite(): Promise<void> {
  const res = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
  assert.equal(res.status, 201, res.text);
  await ui.waitFor('dialog [data-action="accept"]');
  // The prompt ignores a decision in its first moments (clickjacking guard).
  await page.waitForTimeout(450);
}

describe('the prompt, banner and notice for everyone, in every language', () => {
  for (const lang of LOCALES) {
    test(`${lang}: axe clean on every state, keyboard walk, names in the accessibility tree, fits 320 px`, async () => {
      const s = words.get(lang)!;
      const v = { agent: 'Dana', company: 'Northwind Outfitters' };
      // A call of its own per language (the same signed-in customer), so its events are its own.
      call = await stack.call({ id: customerId });
      agent = await stack.agent(call.id);
      await page.evaluate((l) => {
        sessionStorage.setItem('lang', l);
        (window as unknown as { Tandem: { locale(l: string): void } }).Tandem.locale(l);
      }, lang);

      // Escape declines and the keyboard goes back where it was.
      await page.focus('#city');
      await invite();
      assert.equal(await ui.evaluate('dialog', 'function () { return this.lang + " " + this.dir; }'), `${lang} ${s.dir}`);
      assert.equal(await focused(), 'accept', 'focus did not move into the prompt');
      await page.keyboard.press('Escape');
      await waitForEvent(stack.server, call.id, 'invite.declined');
      await ui.waitForGone('dialog');
      assert.equal(await focused(), '#city', 'focus did not come back after the prompt closed');

      // The share prompt: named, described, focus inside and kept there, axe clean, fits.
      await invite();
      const title = fill(s.shareTitle, v);
      const tree = await accessibilityTree(cdp);
      assert.ok(tree.some((n) => n.role === 'dialog' && n.name === title), `no dialog named "${title}"`);
      assert.ok(tree.some((n) => n.role === 'button' && n.name === s.share && n.focused), `the focused "${s.share}" button is not in the tree`);
      assert.ok(tree.some((n) => n.role === 'button' && n.name === s.decline));
      const order: (string | null)[] = [];
      for (const key of ['Tab', 'Tab', 'Shift+Tab', 'Shift+Tab']) {
        await page.keyboard.press(key);
        order.push(await focused());
      }
      assert.deepEqual(order, ['decline', 'accept', 'decline', 'accept'], 'Tab left the prompt');
      none(await axeTandemUi(page), `the share prompt (${lang})`);
      assert.deepEqual(await targetsTooSmall('dialog'), []);
      await page.screenshot({ path: join(sheetDir, `prompt-${lang}-1280.png`) });
      await page.setViewportSize({ width: 320, height: 640 });
      await page.waitForTimeout(100);
      assert.deepEqual(await overflowIn('dialog'), [], `the prompt does not fit 320 px in ${lang}`);
      none(await axeTandemUi(page), `the share prompt at 320 px (${lang})`);
      // Tall enough for the whole prompt in one picture (at 640 px it scrolls, which is allowed).
      await page.setViewportSize({ width: 320, height: 1100 });
      await page.waitForTimeout(100);
      await page.screenshot({ path: join(sheetDir, `prompt-${lang}-320.png`) });
      await page.setViewportSize({ width: 1280, height: 800 });
      assert.equal(await focused(), 'accept');
      await page.keyboard.press('Enter');
      await waitForEvent(stack.server, call.id, 'session.started');

      // Sharing: the banner, and the news said aloud.
      await ui.waitFor('.banner [data-action="stop"]');
      await waitForStatus(fill(s.sharing, v));
      none(await axeTandemUi(page), `the sharing banner (${lang})`);
      assert.deepEqual(await targetsTooSmall('.banner'), []);

      // The control prompt, by keyboard.
      agent.send({ type: 'control.request' });
      await ui.waitFor('dialog [data-action="accept"]');
      await page.waitForTimeout(450);
      const controlTitle = fill(s.controlTitle, v);
      assert.ok((await accessibilityTree(cdp)).some((n) => n.role === 'dialog' && n.name === controlTitle), `no dialog named "${controlTitle}"`);
      none(await axeTandemUi(page), `the control prompt (${lang})`);
      await page.setViewportSize({ width: 320, height: 640 });
      await page.waitForTimeout(100);
      assert.deepEqual(await overflowIn('dialog'), [], `the control prompt does not fit 320 px in ${lang}`);
      await page.setViewportSize({ width: 1280, height: 800 });
      assert.equal(await focused(), 'accept');
      await page.keyboard.press('Enter');
      await waitForEvent(stack.server, call.id, 'session.control_granted');
      await waitForStatus(`${fill(s.sharing, v)} · ${fill(s.controlling, v)}`);
      none(await axeTandemUi(page), `the banner with control on (${lang})`);
      await page.setViewportSize({ width: 320, height: 640 });
      await page.waitForTimeout(100);
      assert.deepEqual(await overflowIn('.banner'), [], `the banner does not fit 320 px in ${lang}`);
      none(await axeTandemUi(page), `the banner at 320 px (${lang})`);
      await page.screenshot({ path: join(screenshotsDir, 'consent', `banner-${lang}-320.png`) });
      await page.setViewportSize({ width: 1280, height: 800 });

      // Control handed back, then sharing stopped: both said aloud.
      await ui.click('.banner [data-action="stop-control"]');
      await waitForStatus(fill(s.controlEnded, v));
      await ui.click('.banner [data-action="stop"]');
      await waitForEvent(stack.server, call.id, 'session.ended');
      await waitForStatus(fill(s.ended, v));
      none(await axeTandemUi(page), `after sharing ended (${lang})`);
      await page.setViewportSize({ width: 320, height: 640 });
      await page.waitForTimeout(100);
      assert.deepEqual(await overflowIn('.note'), [], `the note that sharing ended does not fit 320 px in ${lang}`);
      await page.screenshot({ path: join(screenshotsDir, 'consent', `ended-note-${lang}-320.png`) });
      await page.setViewportSize({ width: 1280, height: 800 });
    });
  }

  test('the link notice follows the page\'s <html lang> in every language: an alert, axe clean, fits 320 px', async () => {
    const context = await stack.browser.newContext({ viewport: { width: 320, height: 640 } });
    await openTandemShadowForAudit(context);
    // The same shop page declaring another language in <html lang>, as a site in that language
    // would (set before the loader runs; the language comes in the address's ?lang).
    await context.addInitScript(() => {
      const lang = new URLSearchParams(location.search).get('lang');
      if (!lang) return;
      new MutationObserver((_, watch) => {
        if (!document.documentElement) return;
        document.documentElement.lang = lang;
        watch.disconnect();
      }).observe(document, { childList: true });
    });
    const other = await context.newPage();
    const otherUi = await tandemUi(other);
    const otherCdp = await context.newCDPSession(other);
    for (const l of LOCALES) {
      const s = words.get(l)!;
      // A link that is not (or no longer) valid: the page must say so, not stay silent.
      await other.goto(`${stack.shop.url('/shop/account.html')}?lang=${l}#tandem=expired${l}${'x'.repeat(24)}`);
      await otherUi.waitFor('.notice [data-action="dismiss"]');
      assert.equal(await otherUi.evaluate('.notice', 'function () { return this.getAttribute("role") + " " + this.lang + " " + this.dir; }'),
        `alert ${l} ${s.dir}`);
      assert.ok((await accessibilityTree(otherCdp)).some((n) => n.role === 'heading' && n.name === s.deadTitle), `${l}: no heading "${s.deadTitle}"`);
      assert.deepEqual(await overflowIn('.notice', otherUi), [], `the notice does not fit 320 px in ${l}`);
      none(await axeTandemUi(other), `the link notice (${l})`);
      await other.screenshot({ path: join(screenshotsDir, 'consent', `notice-${l}-320.png`) });
    }
    await context.close();
  });

  test('axe reaches into Tandem\'s shadow root (after the runs above: a planted low-contrast line is found)', async () => {
    const planted = await page.evaluate(() => {
      const root = document.querySelector('tandem-ui')?.shadowRoot;
      if (!root) return false;
      const p = document.createElement('p');
      p.id = 'planted';
      p.setAttribute('style', 'position:fixed;top:0;left:0;background:#fff;color:#ccc;font-size:12px');
      p.textContent = 'hard to read';
      root.append(p);
      return true;
    });
    assert.ok(planted, 'the Tandem UI host is not there to audit');
    const found = await axeTandemUi(page);
    await page.evaluate(() => document.querySelector('tandem-ui')?.shadowRoot?.getElementById('planted')?.remove());
    assert.deepEqual(found.map((v) => v.id), ['color-contrast']);
  });
});
