// The agent console in German (asked for with /console?lang=de) and Arabic (the agent's browser
// speaks ar-EG): its words, its direction and mirrored layout, times in the agent's locale, and
// axe-core finding nothing, waiting and with an invite out. Screenshots go to e2e/screenshots/,
// or to docs/screenshots/ with UPDATE_SCREENSHOTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeTandemUi, type AxeViolation } from './harness/a11y-audit.ts';
import { e2eDir } from './harness/browser-bundles.ts';
import { screenshotsDir, startTandemStack, type TandemStack } from './harness/tandem-stack.ts';

const shotsDir = process.env['UPDATE_SCREENSHOTS'] === '1' ? join(e2eDir, '..', 'docs', 'screenshots') : screenshotsDir;

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
  await mkdir(shotsDir, { recursive: true });
});

after(async () => {
  await stack?.close();
});

const none = (v: AxeViolation[], where: string) => assert.deepEqual(v, [], `axe found problems in ${where}: ${JSON.stringify(v, null, 1)}`);

function inConsole<T>(page: Page, body: string): Promise<T> {
  return page.evaluate(`(() => { const root = document.querySelector('tandem-console').shadowRoot; ${body} })()`) as Promise<T>;
}

interface Case {
  lang: string;
  /** How the console learns it: the page's ?lang=, or the browser's own language. */
  via: 'param' | 'browser';
  browserLocale: string;
  formatTag: string;
  dir: 'ltr' | 'rtl';
  connected: string;
  invite: string;
  timelineTitle: string;
  sayCode: string;
  expires: RegExp;
  inviteCreated: string;
}

const CASES: Case[] = [
  {
    lang: 'de', via: 'param', browserLocale: 'en-US', formatTag: 'de', dir: 'ltr', connected: 'Verbunden', invite: 'Zum Co-Browsing einladen',
    timelineTitle: 'Verlauf', sayCode: 'Lesen Sie dem Kunden diesen Code vor', expires: /^Läuft ab in \d+:\d\d$/, inviteCreated: 'Einladung erstellt',
  },
  {
    lang: 'ar', via: 'browser', browserLocale: 'ar-EG', formatTag: 'ar-EG', dir: 'rtl', connected: 'متصل', invite: 'دعوة للتصفح المشترك',
    timelineTitle: 'السجل الزمني', sayCode: 'اقرأ هذا الرمز للعميل', expires: /^تنتهي خلال [٠-٩]+:[٠-٩]{2}$/, inviteCreated: 'أُنشئت الدعوة',
  },
];

describe('agent console, translated', () => {
  for (const c of CASES) {
    test(`${c.lang} (from the ${c.via === 'param' ? 'page\'s ?lang=' : 'browser\'s language'}): words, direction, times, axe clean`, async () => {
      const call = await stack.call({ phone: '+14155550123' });
      const token = await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id });
      assert.equal(token.status, 201, token.text);
      const url = String(token.body.consoleUrl);
      const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: c.browserLocale });
      const page = await context.newPage();
      try {
        await page.goto(c.via === 'param' ? url.replace('/console#', `/console?lang=${c.lang}#`) : url);
        await page.locator('tandem-console #link-text', { hasText: c.connected }).waitFor({ timeout: 10_000 });

        const frame = await inConsole<{ lang: string; dir: string }>(page, 'const f = root.querySelector(".console"); return { lang: f.lang, dir: f.dir }');
        assert.deepEqual(frame, { lang: c.lang, dir: c.dir });
        assert.equal(await inConsole(page, 'return root.getElementById("invite").textContent'), c.invite);
        assert.equal(await inConsole(page, 'return root.getElementById("timeline-title").textContent'), c.timelineTitle);
        // Mirrored: the invite column is on the reading side, the customer's screen after it.
        const [side, main] = await inConsole<[number, number]>(page,
          'return [root.querySelector(".side"), root.querySelector(".main")].map((e) => e.getBoundingClientRect().left)');
        assert.equal(side < main, c.dir === 'ltr', `side at ${side}, main at ${main}`);
        none(await axeTandemUi(page, 'tandem-console'), `the waiting console in ${c.lang}`);
        await page.screenshot({ path: join(shotsDir, `console-${c.lang}-waiting.png`) });

        await page.locator('tandem-console #invite').click();
        await page.locator('tandem-console #code').filter({ hasText: /\d/ }).waitFor({ timeout: 10_000 });
        assert.equal(await inConsole(page, 'return root.querySelector("#invite-pending .say").textContent'), c.sayCode);
        assert.match(await inConsole<string>(page, 'return root.getElementById("invite-expiry").textContent'), c.expires);
        // The code reads left to right whatever the language: it is read out digit by digit.
        assert.equal(await inConsole(page, 'return getComputedStyle(root.getElementById("code")).direction'), 'ltr');
        await page.locator('tandem-console #timeline li .what', { hasText: c.inviteCreated }).waitFor({ timeout: 10_000 });
        // Every time in the timeline is the agent's locale's clock, one format throughout.
        const times = await inConsole<{ shown: string; expected: string }[]>(page, `
          const clock = new Intl.DateTimeFormat(${JSON.stringify(c.formatTag)}, { timeStyle: 'medium' });
          return [...root.querySelectorAll('#timeline time')].map((t) => ({ shown: t.textContent, expected: clock.format(new Date(t.dateTime)) }));`);
        assert.ok(times.length > 0);
        for (const t of times) assert.equal(t.shown, t.expected);
        none(await axeTandemUi(page, 'tandem-console'), `the console with an invite out in ${c.lang}`);
        await page.screenshot({ path: join(shotsDir, `console-${c.lang}-invite.png`) });

        // The desktop changes the element's lang: the console follows, direction included.
        await page.evaluate(() => document.querySelector('tandem-console')!.setAttribute('lang', 'he'));
        await page.waitForFunction(() => document.querySelector('tandem-console')?.shadowRoot?.querySelector('.console')?.getAttribute('dir') === 'rtl');
        assert.equal(await inConsole(page, 'return root.getElementById("invite-again").textContent'), 'שליחת הזמנה חדשה');
        assert.equal(await inConsole(page, 'return root.querySelector(".console").lang'), 'he');
      } finally {
        await context.close();
      }
    });
  }
});
