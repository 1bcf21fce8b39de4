// The language of the customer's prompt, in the documented order: the site's Tandem.locale(),
// then the page's <html lang>, then the deployment's default language (PATCH /v1/deployments/{id}),
// then the browser's languages. A real page in Chromium, whose browser speaks English.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi, type TandemUi } from './harness/tandem-ui.ts';

let stack: TandemStack;
let page: Page;
let ui: TandemUi;
let customerId = '';

before(async () => {
  stack = await startTandemStack();
  customerId = (await stack.call()).customerId;
  stack.shop.setCustomer(customerId);
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page = await context.newPage();
});

after(async () => {
  await stack?.close();
});

async function setDeploymentLocale(locale: string | null): Promise<void> {
  const res = await stack.server.api('PATCH', `/v1/deployments/${stack.deployment.id}`, { locale });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.locale, locale);
}

/** Opens the shop page afresh (its welcome carries the deployment's language), with the given <html lang>. */
async function openPage(htmlLang: string | null): Promise<void> {
  await page.goto(stack.shop.url('/shop/account.html'));
  await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
  await setHtmlLang(htmlLang);
  ui = await tandemUi(page);
}

async function setHtmlLang(lang: string | null): Promise<void> {
  await page.evaluate((l) => (l === null ? document.documentElement.removeAttribute('lang') : document.documentElement.setAttribute('lang', l)), lang);
}

/** The language of the prompt an invite brings up; the customer then declines it. */
async function promptLanguage(): Promise<{ lang: string; title: string }> {
  const call = await stack.call({ id: customerId });
  const res = await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
  assert.equal(res.status, 201, res.text);
  await ui.waitFor('dialog [data-action="accept"]');
  const read = 'function () { return { lang: this.lang, title: this.querySelector("h2, [id$=title]")?.textContent ?? "" }; }';
  const shown = (await ui.evaluate('dialog', read)) as { lang: string; title: string };
  await page.waitForTimeout(450);
  await page.keyboard.press('Escape');
  await waitForEvent(stack.server, call.id, 'invite.declined');
  await ui.waitForGone('dialog');
  return shown;
}

describe('the prompt\'s language: site, then <html lang>, then the deployment, then the browser', () => {
  test('a page that names no language speaks the deployment\'s', async () => {
    await setDeploymentLocale('de');
    await openPage(null);
    const shown = await promptLanguage();
    assert.equal(shown.lang, 'de');
    assert.equal(shown.title, 'Diesen Tab mit Dana teilen?');
  });

  test('the page\'s <html lang> comes before the deployment\'s', async () => {
    await setHtmlLang('fr-CA');
    assert.equal((await promptLanguage()).lang, 'fr');
  });

  test('the site\'s Tandem.locale() comes before both', async () => {
    await page.evaluate(() => (window as unknown as { Tandem: { locale(l: string): void } }).Tandem.locale('it'));
    assert.equal((await promptLanguage()).lang, 'it');
  });

  test('with no deployment language and no <html lang>, the browser\'s language', async () => {
    await setDeploymentLocale(null);
    await openPage(null);
    assert.equal((await promptLanguage()).lang, 'en');
  });
});
