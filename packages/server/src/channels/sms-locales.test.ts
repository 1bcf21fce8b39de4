import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCALES } from '../../../sdk/src/loader/locale-choice.ts';
import { smsLanguage, SMS_TEMPLATES } from './sms-locales.ts';
import { DEFAULT_SMS_TEMPLATE, isGsm7, renderSms, templateProblems } from './sms-template.ts';

const LINK = `https://cobrowse.example.com/j/${'a1b2c3d4'.repeat(4)}`;
const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('an invite text in every language the prompt speaks, each with every placeholder of the default', () => {
  assert.deepEqual(Object.keys(SMS_TEMPLATES).sort(), [...LOCALES].sort());
  for (const [lang, template] of Object.entries(SMS_TEMPLATES)) {
    assert.deepEqual(templateProblems(template), [], lang);
    assert.deepEqual(placeholders(template), placeholders(DEFAULT_SMS_TEMPLATE), lang);
  }
});

test('Latin-script texts that can be GSM-7 are, and fit one segment with a real link and plain names', () => {
  for (const lang of ['de', 'es', 'fi', 'fr', 'it', 'nl', 'sv']) {
    const template = SMS_TEMPLATES[lang]!;
    assert.ok(isGsm7(template.replace(/\{\w+\}/g, '')), `${lang} leaves GSM-7`);
    const r = renderSms(template, { company: 'Acme Insurance', agent: 'Dana Smith', link: LINK, minutes: 10, locale: lang });
    assert.equal(r.segments, 1, `${lang}: ${r.text}`);
    assert.ok(r.text.includes(LINK));
  }
});

test('the minutes are written in the customer\'s digits; the link is never changed', () => {
  const ar = renderSms(SMS_TEMPLATES.ar!, { company: 'Acme', agent: 'Dana', link: LINK, minutes: 10, locale: 'ar' });
  assert.ok(ar.text.includes(new Intl.NumberFormat('ar').format(10)), ar.text);
  assert.ok(ar.text.includes(LINK));
  const de = renderSms(SMS_TEMPLATES.de!, { company: 'Acme', agent: 'Dana', link: LINK, minutes: 1500, locale: 'de' });
  assert.match(de.text, /gültig 1\.500 Min\./);
});

test('the language comes from the primary subtag of customer.locale; English when there is no text in it', () => {
  assert.equal(smsLanguage('de-AT'), 'de');
  assert.equal(smsLanguage('PT_br'), 'pt');
  assert.equal(smsLanguage('ko'), 'en');
  assert.equal(smsLanguage(undefined), 'en');
});
