import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SMS_TEMPLATE, countSegments, renderSms, templateProblems } from './sms-template.ts';

const LINK = `https://cobrowse.example.com/j/${'a1b2c3d4'.repeat(4)}`;

test('GSM-7 counts one septet a character, extension characters two', () => {
  assert.deepEqual(countSegments('a'.repeat(160)), { encoding: 'GSM-7', units: 160, segments: 1 });
  assert.deepEqual(countSegments('a'.repeat(161)), { encoding: 'GSM-7', units: 161, segments: 2 });
  assert.deepEqual(countSegments('a'.repeat(306)), { encoding: 'GSM-7', units: 306, segments: 2 });
  assert.deepEqual(countSegments('a'.repeat(307)), { encoding: 'GSM-7', units: 307, segments: 3 });
  assert.deepEqual(countSegments('€'.repeat(80)), { encoding: 'GSM-7', units: 160, segments: 1 });
  assert.deepEqual(countSegments(`${'a'.repeat(159)}[`), { encoding: 'GSM-7', units: 161, segments: 2 }, '[ is an extension character');
  assert.equal(countSegments('{}\\~^|').units, 12);
  assert.equal(countSegments('Ça coûte 5 £ à Zoë').encoding, 'UCS-2', 'û is not in GSM-7');
  assert.equal(countSegments('Ça coute 5 £ à Zoé').encoding, 'GSM-7');
  assert.equal(countSegments('Zoë').encoding, 'UCS-2', 'ë is not in GSM-7 either');
});

test('UCS-2 is 70 units in one segment, 67 a segment after', () => {
  assert.deepEqual(countSegments('ł'.repeat(70)), { encoding: 'UCS-2', units: 70, segments: 1 });
  assert.deepEqual(countSegments('ł'.repeat(71)), { encoding: 'UCS-2', units: 71, segments: 2 });
  assert.deepEqual(countSegments('ł'.repeat(135)), { encoding: 'UCS-2', units: 135, segments: 3 });
  assert.equal(countSegments('🙂').units, 2, 'an emoji is two UTF-16 units');
});

test('the default text fits one segment with a real link and plain names', () => {
  const r = renderSms(DEFAULT_SMS_TEMPLATE, { company: 'Acme Insurance', agent: 'Dana Smith', link: LINK, minutes: 10 });
  assert.equal(r.text, `Acme Insurance: Dana Smith asks to see your screen: ${LINK} (valid 10 min). Unexpected? Ignore it.`);
  assert.equal(r.segments, 1);
  assert.equal(r.encoding, 'GSM-7');
  assert.equal(r.shortened, false);
});

test('long names give way, the agent to a first name first; the link is never touched', () => {
  const r = renderSms(DEFAULT_SMS_TEMPLATE,
    { company: 'Acme Mutual Insurance Company of North America', agent: 'Alexandra Montgomery-Fitzgerald', link: LINK, minutes: 10 });
  assert.equal(r.segments, 1);
  assert.equal(r.shortened, true);
  assert.ok(r.text.includes(` ${LINK} `), r.text);
  assert.ok(r.units <= 160);
  assert.match(r.text, /^Acme Mutual[^:]*\.: Alexandra asks/, r.text);

  const agentOnly =
    renderSms(DEFAULT_SMS_TEMPLATE, { company: 'Acme', agent: 'Dana Alexandra Montgomery Fitzgerald', link: `${LINK}xxxxxxxxxxxxxxxxxxxx`, minutes: 10 });
  assert.match(agentOnly.text, /^Acme: Dana asks/, 'only as much as needed is shortened');
});

test('accents are dropped when that alone keeps the text GSM-7; real scripts stay UCS-2', () => {
  const folded = renderSms(DEFAULT_SMS_TEMPLATE, { company: 'Łódź Bank', agent: 'Zoë René', link: LINK, minutes: 5 });
  assert.equal(folded.encoding, 'GSM-7');
  assert.equal(folded.segments, 1);
  assert.match(folded.text, /^Lodz Bank: Zoe René asks/, 'é is GSM-7 and stays');

  const fits = renderSms('{company}: {agent} {link}', { company: 'Łódź', agent: 'Ola', link: 'https://t.co/j/x', minutes: 5 });
  assert.equal(fits.text, 'Łódź: Ola https://t.co/j/x', 'nothing changes when it already fits (UCS-2 but short)');

  const cjk = renderSms(DEFAULT_SMS_TEMPLATE, { company: '東京銀行', agent: '佐藤', link: LINK, minutes: 5 });
  assert.ok(cjk.text.includes(LINK));
  assert.equal(cjk.encoding, 'UCS-2');
  assert.ok(cjk.segments > 1, 'cannot fit: sent whole, in several segments');
  assert.ok(cjk.text.startsWith('東京銀行: 佐藤'), 'names are not mangled when it cannot fit anyway');
});

test('a template must carry the link and known placeholders only', () => {
  assert.deepEqual(templateProblems(DEFAULT_SMS_TEMPLATE), []);
  assert.deepEqual(templateProblems('{company}: see {url}'),
    ['must contain {link}', 'has an unknown placeholder {url} (use {company}, {agent}, {link}, {minutes})']);
});
