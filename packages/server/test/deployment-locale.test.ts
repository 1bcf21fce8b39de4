// A deployment's default language for its customers: set on create or with PATCH, refused with
// unsupported_locale for a language Tandem has no words for, told to every page in `welcome`, and
// used for the SMS when the conversation names no language of its own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SUPPORTED_LOCALES } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';
import { SHOP_ORIGIN, connectedCall } from './fixtures.ts';
import { VisitorClient } from './visitor-client.ts';

describe('deployment language', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('pglite');
  });
  after(async () => s?.close());

  const create = (body: Record<string, unknown>) =>
    s.api('POST', '/v1/deployments', { name: 'Shop', companyName: 'Acme', allowedOrigins: [SHOP_ORIGIN], ...body });

  test('set on create, stored in its canonical case; none by default', async () => {
    const de = await create({ locale: 'de-at' });
    assert.equal(de.status, 201, de.text);
    assert.equal(de.body.locale, 'de-AT');
    const none = await create({});
    assert.equal(none.body.locale, null);
    const listed = (await s.api('GET', '/v1/deployments')).body.data as { id: string; locale: string | null }[];
    assert.equal(listed.find((d) => d.id === de.body.id)?.locale, 'de-AT');
  });

  test('every supported language is accepted; others are refused with unsupported_locale, saying which are', async () => {
    for (const lang of SUPPORTED_LOCALES) assert.equal((await create({ locale: lang })).status, 201, lang);
    for (const bad of ['ko', 'tlh', 'de_not a tag!']) {
      const res = await create({ locale: bad });
      assert.equal(res.status, 422, `${bad}: ${res.text}`);
      assert.equal(res.body.code, 'unsupported_locale');
      assert.match(res.body.detail, /ar, de, en, es, fi, fr, he, it, ja, nl, pl, pt, sv/);
    }
  });

  test('PATCH changes only what it is given; null clears the language; an unknown id is 404, an empty body 400', async () => {
    const dep = (await create({ locale: 'fr' })).body as { id: string; name: string; key: string };
    const fi = await s.api('PATCH', `/v1/deployments/${dep.id}`, { locale: 'fi' });
    assert.equal(fi.status, 200, fi.text);
    assert.equal(fi.body.locale, 'fi');
    assert.equal(fi.body.name, dep.name);
    assert.equal(fi.body.key, dep.key);
    assert.equal(fi.body.identitySecret, undefined);
    const renamed = await s.api('PATCH', `/v1/deployments/${dep.id}`, { companyName: 'Acme GmbH' });
    assert.deepEqual([renamed.body.companyName, renamed.body.locale], ['Acme GmbH', 'fi']);
    const cleared = await s.api('PATCH', `/v1/deployments/${dep.id}`, { locale: null });
    assert.equal(cleared.body.locale, null);
    const bad = await s.api('PATCH', `/v1/deployments/${dep.id}`, { locale: 'klingon' });
    assert.deepEqual([bad.status, bad.body.code], [422, 'unsupported_locale']);
    const missing = await s.api('PATCH', '/v1/deployments/dep_nope', { locale: 'de' });
    assert.deepEqual([missing.status, missing.body.code], [404, 'deployment_not_found']);
    const empty = await s.api('PATCH', `/v1/deployments/${dep.id}`, {});
    assert.deepEqual([empty.status, empty.body.code], [400, 'validation_failed']);
  });

  test('pages are told the language in welcome, a change included', async () => {
    const dep = (await create({ locale: 'sv' })).body as { id: string; key: string };
    const welcome = async () => {
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      const hello = page.received.find((m) => m.type === 'welcome');
      page.close();
      return hello && 'locale' in hello ? hello.locale : undefined;
    };
    assert.equal(await welcome(), 'sv');
    await s.api('PATCH', `/v1/deployments/${dep.id}`, { locale: 'he' });
    assert.equal(await welcome(), 'he');
    await s.api('PATCH', `/v1/deployments/${dep.id}`, { locale: null });
    assert.equal(await welcome(), null);
  });

  test('the SMS speaks the deployment\'s language unless the conversation names the customer\'s', async () => {
    // The org's first deployment sends invites without a returnUrl: give it Finnish.
    const first = ((await s.api('GET', '/v1/deployments')).body.data as { id: string }[])[0]!;
    await s.api('PATCH', `/v1/deployments/${first.id}`, { locale: 'fi' });
    const plain = await connectedCall(s, { phone: '+14155550181' });
    const german = await connectedCall(s, { phone: '+14155550182', locale: 'de' });
    for (const call of [plain, german]) assert.equal((await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['sms'] })).status, 201);
    const body = async (to: string) => (await s.api('GET', `/v1/sms/outbox?to=${encodeURIComponent(to)}`)).body.data[0].body as string;
    assert.match(await body('+14155550181'), /^Acme: Dana pyytää nähdä näyttösi: http/);
    assert.match(await body('+14155550182'), /^Acme: Dana möchte Ihren Bildschirm sehen: http/);
  });
});
