// The Genesys Cloud flow end to end in Chromium, against the fake Genesys Cloud: a campaign call
// connects in Genesys → the Tandem conversation is connected → the agent opens the interaction
// widget (signs in with Genesys by authorization code + PKCE, is checked as a participant, gets
// the console) → Invite → the SMS goes out through the agentless messages API → the customer
// shares → the call disconnects in Genesys → session.ended with call_ended.
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/test-server.ts';
import { FAKE_PKCE_CLIENT_ID, FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeGenesys, type FakeGenesys } from '../packages/server/test/fake-genesys.ts';
import { waitFor } from '../packages/server/test/genesys-wait.ts';
import { buildBrowserBundles } from './harness/browser-bundles.ts';
import { launchChromium } from './harness/chromium.ts';
import { startShopSite, type ShopSite } from './harness/shop-site.ts';
import { screenshotsDir, waitForEvent } from './harness/tandem-stack.ts';
import { tandemUi } from './harness/tandem-ui.ts';

const AGENT = '3a1f2b4c-0000-4000-8000-00000000a001';
const QUEUE = '5b2e3c4d-0000-4000-8000-00000000b001';

let fake: FakeGenesys;
let server: TestServer;
let shop: ShopSite;
let browser: Browser;

before(async () => {
  fake = await startFakeGenesys();
  fake.addUser(AGENT, 'Dana Reyes');
  [server, shop, browser] = await Promise.all([
    startTestServer('pglite', { GENESYS_API_BASE_URL: fake.baseUrl, GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '2000', SMS_PROVIDER: 'genesys' }),
    startShopSite(),
    launchChromium(),
    buildBrowserBundles(),
  ]);
  const dep = await server.api('POST', '/v1/deployments', { name: 'Northwind shop', companyName: 'Northwind Outfitters', allowedOrigins: [shop.origin] });
  assert.equal(dep.status, 201, dep.text);
  shop.configure({ tandemUrl: server.url, deploymentKey: dep.body.key, identitySecret: dep.body.identitySecret });
  shop.setCustomer(null);
});

after(async () => {
  await browser?.close();
  await shop?.close();
  await server?.close();
  await fake?.close();
});

const newPage = async (): Promise<Page> => (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

describe('Genesys Cloud: campaign call → widget → invite by Genesys SMS → share → hang-up', () => {
  test('the whole flow, with no integrator code', async () => {
    const link = await server.api('PUT', '/v1/integrations/genesys', {
      region: 'mypurecloud.com', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET,
      follow: { queues: [QUEUE] }, smsFrom: '+13175550100', widgetClientId: FAKE_PKCE_CLIENT_ID,
    });
    assert.equal(link.status, 201, link.text);
    assert.equal(link.body.widgetGrant, 'pkce');
    await waitFor(async () => ((await server.api('GET', '/v1/integrations/genesys')).body.status === 'connected' ? true : null), 30_000, 'the link to connect');

    const call = fake.startCall({ customerPhone: '+14155550142', queueId: QUEUE });
    fake.connectAgent(call.id, AGENT, QUEUE);
    await waitFor(async () => ((await server.api('GET', `/v1/conversations/${call.id}`)).body?.state === 'connected' ? true : null), 30_000,
      'the conversation to connect');

    // What the Interaction Widget's URL template makes of link.body.widgetUrl for this call. Opened
    // as a page of its own: framed by another origin, this Chromium denies the frame sessionStorage,
    // where the page keeps the PKCE verifier across the sign-in (see the README's widget caveat).
    fake.signInAs(AGENT);
    const agent = await newPage();
    const widgetUrl =
      (link.body.widgetUrl as string).replace('{{gcConversationId}}', call.id).replace('{{gcHostOrigin}}', encodeURIComponent('https://apps.mypurecloud.com'));
    await agent.goto(widgetUrl);
    const panel = agent.locator('body');
    const invite = panel.locator('tandem-console #invite');
    await invite.waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
      // Say where the widget stopped: its URL and what its page says.
      const said = await agent.locator('#status').textContent({ timeout: 1000 }).catch(() => null);
      throw new Error(`the widget did not become the console: at ${agent.url()}, saying ${JSON.stringify(said)} (${err.message.split('\n')[0]})`);
    });
    assert.match(agent.url(), /\/console#token=|\/console$/, 'the widget became the console');
    const authorize = fake.requests.find((r) => r.url.startsWith('/oauth/authorize'))!;
    const q = new URLSearchParams(authorize.url.split('?')[1]);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.get('redirect_uri'), `${server.url}/genesys/widget`);
    const exchange = new URLSearchParams(fake.requests.findLast((r) => r.url === '/oauth/token')!.raw.toString());
    assert.equal(exchange.get('grant_type'), 'authorization_code');
    assert.equal(createHash('sha256').update(exchange.get('code_verifier')!).digest('base64url'), q.get('code_challenge'),
      'the verifier the page kept is the one its challenge was made from');
    await agent.screenshot({ path: join(screenshotsDir, 'genesys-widget-console.png') });

    await invite.click();
    const sms = await waitFor(async () => fake.sent[0] ?? null, 30_000, 'the agentless SMS');
    assert.equal(sms.toAddress, '+14155550142');
    assert.equal(sms.fromAddress, '+13175550100');
    const smsLink = /https?:\/\/\S+\/j\/[0-9a-z]+/.exec(sms.textBody)?.[0];
    assert.ok(smsLink, sms.textBody);
    await waitForEvent(server, call.id, 'invite.delivered');

    // The link sends the phone to the site with the secret in the fragment; the site's landing
    // page here is the shop's account page.
    const hop = await fetch(smsLink, { redirect: 'manual' });
    assert.equal(hop.status, 302);
    const fragment = new URL(hop.headers.get('location')!).hash;
    assert.match(fragment, /^#tandem=/);
    const customer = await newPage();
    await customer.goto(shop.url(`/shop/account.html${fragment}`));
    const ui = await tandemUi(customer);
    await ui.waitFor('dialog [data-action="accept"]', 30_000);
    await customer.waitForTimeout(500);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(server, call.id, 'session.started', 30_000);
    await panel.locator('tandem-console #timeline').filter({ hasText: 'Cobrowse started' }).waitFor({ timeout: 30_000 });

    fake.hangUp(call.id, 'customer');
    const ended = await waitForEvent(server, call.id, 'session.ended', 30_000);
    assert.equal(ended.data.reason, 'call_ended');
    await agent.screenshot({ path: join(screenshotsDir, 'genesys-widget-call-ended.png') });
  });
});
