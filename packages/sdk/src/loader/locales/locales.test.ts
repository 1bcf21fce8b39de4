// Every language says everything English says, with the same placeholders, and names its
// direction and wording version; and the language is chosen in the documented order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLocale, fill, LOCALES } from '../locale-choice.ts';
import { en, type LocaleStrings } from './en.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

async function load(lang: string): Promise<LocaleStrings> {
  return lang === 'en' ? en : ((await import(`./${lang}.ts`)) as { default: LocaleStrings }).default;
}

describe('locale tables', () => {
  test('at least 12 languages, two of them right to left', async () => {
    assert.ok(LOCALES.length >= 12);
    const rtl = [];
    for (const lang of LOCALES) if ((await load(lang)).dir === 'rtl') rtl.push(lang);
    assert.deepEqual(rtl, ['ar', 'he']);
  });

  for (const lang of LOCALES) {
    test(`${lang}: every key, no extra key, every placeholder kept, a version of its own`, async () => {
      const t = await load(lang);
      assert.deepEqual(Object.keys(t).sort(), Object.keys(en).sort());
      for (const key of Object.keys(en) as (keyof LocaleStrings)[]) {
        assert.ok(t[key].trim().length > 0, `${lang}.${key} is empty`);
        assert.deepEqual(placeholders(t[key]), placeholders(en[key]), `${lang}.${key} lost or gained a placeholder`);
      }
      assert.ok(['ltr', 'rtl'].includes(t.dir));
      assert.match(t.version, new RegExp(`^${lang}-\\d+$`));
      if (lang !== 'en') assert.notEqual(t.shareTitle, en.shareTitle, `${lang} is not translated`);
    });
  }
});

describe('chooseLocale', () => {
  test('the site\'s choice, then <html lang>, then the browser; by primary subtag; English otherwise', () => {
    assert.equal(chooseLocale(['de', 'fr', 'it']), 'de');
    assert.equal(chooseLocale([null, 'fi-FI', 'it']), 'fi');
    assert.equal(chooseLocale([null, '', 'pt-BR']), 'pt');
    assert.equal(chooseLocale(['xx', 'HE', 'en']), 'he');
    assert.equal(chooseLocale(['ko', 'zz']), 'en');
    assert.equal(chooseLocale([]), 'en');
  });

  test('fill replaces known placeholders and leaves unknown ones visible', () => {
    assert.equal(fill('{agent} from {company}', { agent: 'Dana', company: 'Acme' }), 'Dana from Acme');
    assert.equal(fill('{agent} {x}', { agent: 'Dana' }), 'Dana {x}');
  });
});
