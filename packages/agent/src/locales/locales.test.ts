// Every console language says everything English says, with the same placeholders and a
// direction of its own; the language is chosen in the documented order; and times, numbers and
// countdowns follow the agent's locale, one clock (24- or 12-hour) for every time shown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseConsoleLocale, consoleFormats, CONSOLE_LOCALES } from '../console-locale.ts';
import { SUPPORTED_LOCALES } from '@tandem/protocol/wire';
import { LOCALES as SDK_LOCALES } from '../../../sdk/src/loader/locale-choice.ts';
import { en, type ConsoleStrings } from './en.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

async function load(lang: string): Promise<ConsoleStrings> {
  return ((await import(`./${lang}.ts`)) as { default: ConsoleStrings }).default;
}

describe('console locale tables', () => {
  test('the same languages as the customer\'s prompts, one file each, two of them right to left', async () => {
    assert.deepEqual([...CONSOLE_LOCALES], [...SUPPORTED_LOCALES]);
    assert.deepEqual([...SDK_LOCALES], [...SUPPORTED_LOCALES]);
    const files = (await readdir(dirname(fileURLToPath(import.meta.url)))).filter((f) => /^[a-z]{2}\.ts$/.test(f)).map((f) => f.slice(0, 2));
    assert.deepEqual(files.sort(), [...CONSOLE_LOCALES]);
    const rtl = [];
    for (const lang of CONSOLE_LOCALES) if ((await load(lang)).dir === 'rtl') rtl.push(lang);
    assert.deepEqual(rtl, ['ar', 'he']);
  });

  for (const lang of CONSOLE_LOCALES) {
    test(`${lang}: every key, no extra key, every placeholder kept`, async () => {
      const t = await load(lang);
      assert.deepEqual(Object.keys(t).sort(), Object.keys(en).sort());
      for (const key of Object.keys(en) as (keyof ConsoleStrings)[]) {
        assert.ok(t[key].trim().length > 0, `${lang}.${key} is empty`);
        assert.deepEqual(placeholders(t[key]), placeholders(en[key]), `${lang}.${key} lost or gained a placeholder`);
      }
      if (lang !== 'en') {
        // Copied English left in place: a few keys may rightly read the same (Code {digits}).
        const wordy = (k: keyof ConsoleStrings) => !/^[\w ·×]*$/.test(en[k].replace(/\{\w+\}/g, ''));
        const same = (Object.keys(en) as (keyof ConsoleStrings)[]).filter((k) => k !== 'dir' && t[k] === en[k] && wordy(k));
        assert.ok(same.length <= 3, `${lang} is not translated: ${same.join(', ')}`);
      }
    });
  }
});

describe('chooseConsoleLocale', () => {
  test('the element\'s lang, then the browser\'s languages, by primary subtag; English otherwise', () => {
    assert.deepEqual(chooseConsoleLocale(['de', 'fr']), { lang: 'de', formatTag: 'de' });
    assert.deepEqual(chooseConsoleLocale([null, 'fi-FI', 'it']), { lang: 'fi', formatTag: 'fi-FI' });
    assert.deepEqual(chooseConsoleLocale(['', 'pt_BR']), { lang: 'pt', formatTag: 'pt-BR' });
    assert.deepEqual(chooseConsoleLocale(['xx', 'AR-EG']), { lang: 'ar', formatTag: 'AR-EG' });
    assert.deepEqual(chooseConsoleLocale(['ko', 'zz']), { lang: 'en', formatTag: 'en' });
    assert.deepEqual(chooseConsoleLocale([]), { lang: 'en', formatTag: 'en' });
  });
});

describe('consoleFormats', () => {
  const at = '2026-03-04T15:07:09Z';
  const local = new Date(at);

  test('times: 24-hour where the locale writes 24 hours, 12-hour with its day period where it writes 12', () => {
    const hour24 = String(local.getHours()).padStart(2, '0');
    assert.equal(consoleFormats('de').time(at), `${hour24}:07:09`);
    const us = consoleFormats('en-US').time(at);
    assert.match(us, /^\d{1,2}:07:09\s(AM|PM)$/);
    assert.equal(consoleFormats('en-GB').time(at), `${hour24}:07:09`);
    assert.equal(consoleFormats('de').time('not a date'), '');
  });

  test('numbers and countdowns in the locale\'s digits; sizes never grouped', () => {
    assert.equal(consoleFormats('en').number(1280), '1280');
    assert.equal(consoleFormats('de').percent(0.75), '75\u00a0%');
    assert.equal(consoleFormats('en').percent(0.75), '75%');
    assert.equal(consoleFormats('en').countdown(299), '4:59');
    assert.equal(consoleFormats('de').countdown(65), '1:05');
    assert.equal(consoleFormats('ar-EG').countdown(65), '١:٠٥');
  });
});
