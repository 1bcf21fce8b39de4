// A shop page whose style sheet, font and pictures need the customer's cookie, and whose brand kit
// is on another origin (cookie and CORS), is drawn in the agent's replica as the customer sees it,
// while the agent's browser contacts no server but Tandem: not the shop, not the brand's origin. A
// partner's badge the page may not read (no CORS) is fetched by Tandem, without the customer's cookie.
// The agent's page runs with its CSP switched off, so what is tested is the console's own rewriting
// (a desk that embeds the console may have no CSP), not the console page's policy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { screenshotsDir, startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { replicaUntil, sharedPage } from './harness/replica-probe.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';
import { startTestSite, type TestSite } from './harness/test-site.ts';
import { fixturesDir } from './harness/browser-bundles.ts';

let stack: TandemStack;
let brand: TestSite;
const pictures = new Map<string, Buffer>();
// Every request the two sites answered: path, and whether the customer's cookie came with it.
const served: { site: 'shop' | 'brand'; path: string; cookie: boolean; tandem: boolean }[] = [];

const COOKIE = 'member=signed-in';
const SHOP_CSS = `@font-face { font-family: ShopMono; src: url(mono.woff2) format("woff2"), url(mono-missing.woff) format("woff"); }
.price { font-family: ShopMono, serif; }
.hero { width: 120px; height: 80px; background-image: url("/shop-private/hero.png"); }`;
const PARTNER_CSS = '.partner-strip { width: 60px; height: 12px; border-top: 3px solid rgb(160, 0, 160); background: url(strip.png); }';
const BRAND_CSS = '.brand { color: rgb(10, 120, 60); border-left: 7px solid rgb(10, 120, 60); padding-left: 9px; background: url(badge.png) no-repeat right; }';

/** PNGs of a size and colour, drawn by Chromium (so the test needs no image library). */
async function drawPictures(): Promise<void> {
  const page = await stack.browser.newPage();
  const specs: [string, number, number, string][] = [
    ['photo', 40, 30, '#c80000'], ['secret', 44, 44, '#000000'], ['hero', 120, 80, '#e08000'],
    ['logo', 30, 20, '#0000c8'], ['badge', 16, 16, '#00a000'], ['partner', 24, 24, '#a000a0'],
  ];
  for (const [name, w, h, colour] of specs) {
    const url = await page.evaluate(([w, h, colour]) => {
      const c = document.createElement('canvas');
      c.width = w as number;
      c.height = h as number;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = colour as string;
      ctx.fillRect(0, 0, c.width, c.height);
      return c.toDataURL('image/png');
    }, [w, h, colour]);
    pictures.set(name, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
  }
  await page.close();
}

function answer(res: ServerResponse, type: string, body: string | Buffer, headers: Record<string, string> = {}) {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'private, max-age=60', ...headers });
  res.end(body);
}

const signedIn = (req: IncomingMessage) => (req.headers.cookie ?? '').split(/;\s*/).includes(COOKIE);
// Tandem's own fetch names itself; a browser's request never carries this.
const fromTandem = (req: IncomingMessage) => req.headers['user-agent'] === 'Tandem-asset-fetch';

before(async () => {
  // The brand's site is on loopback: the server may fetch from it only because it is allowed here.
  stack = await startTandemStack({ ASSET_PROXY_ALLOW: '127.0.0.1' });
  brand = await startTestSite({});
  await drawPictures();
  const font = await readFile(join(fixturesDir, 'shop', 'private', 'mono.woff2'));
  stack.shop.route('/shop-private/', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    served.push({ site: 'shop', path, cookie: signedIn(req), tandem: fromTandem(req) });
    if (!signedIn(req)) return void res.writeHead(403).end('sign in first');
    const name = path.slice('/shop-private/'.length);
    if (name === 'shop.css') return answer(res, 'text/css', SHOP_CSS);
    if (name === 'mono.woff2') return answer(res, 'font/woff2', font);
    const png = pictures.get(name.replace(/\.png$/, ''));
    if (png) return answer(res, 'image/png', png);
    res.writeHead(404).end();
  });
  // The brand's origin: with the customer's cookie, and CORS for the shop's origin, credentials included.
  brand.route('/private/', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    served.push({ site: 'brand', path, cookie: signedIn(req), tandem: fromTandem(req) });
    const cors = { 'access-control-allow-origin': stack.shop.origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
    if (!signedIn(req)) return void res.writeHead(403, cors).end('sign in first');
    const name = path.slice('/private/'.length);
    if (name === 'brand.css') return answer(res, 'text/css', BRAND_CSS, cors);
    const png = pictures.get(name.replace(/\.png$/, ''));
    if (png) return answer(res, 'image/png', png, cors);
    res.writeHead(404, cors).end();
  });
  // A partner's badge and style sheet without CORS: the customer's page shows them, but may not read them.
  brand.route('/nocors/', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    served.push({ site: 'brand', path, cookie: signedIn(req), tandem: fromTandem(req) });
    if (path === '/nocors/partner.css') return answer(res, 'text/css', PARTNER_CSS);
    answer(res, 'image/png', pictures.get(path === '/nocors/strip.png' ? 'logo' : 'partner')!);
  });
});

after(async () => {
  await brand?.close();
  await stack?.close();
});

/** What the replica (or, with the same function, the customer's page) shows of the shop's look. */
const LOOK = `(doc) => {
  const css = (id) => doc.defaultView.getComputedStyle(doc.getElementById(id));
  const img = (id) => {
    const el = doc.getElementById(id);
    return el ? { src: el.getAttribute('src'), natural: el.naturalWidth + 'x' + el.naturalHeight } : null;
  };
  const box = (el) => el && el.getBoundingClientRect().width + 'x' + el.getBoundingClientRect().height;
  const h1 = doc.querySelector('h1');
  return {
    brandColour: h1 && doc.defaultView.getComputedStyle(h1).color,
    brandBorder: h1 && doc.defaultView.getComputedStyle(h1).borderLeftWidth,
    brandBackground: h1 && doc.defaultView.getComputedStyle(h1).backgroundImage,
    hero: doc.getElementById('hero') && css('hero').backgroundImage,
    heroSize: box(doc.getElementById('hero')),
    strip: doc.getElementById('strip') && css('strip').backgroundImage,
    stripBorder: doc.getElementById('strip') && css('strip').borderTopWidth,
    price: doc.getElementById('price') && doc.getElementById('price').getBoundingClientRect().width,
    serif: doc.getElementById('serif') && doc.getElementById('serif').getBoundingClientRect().width,
    monoLoaded: [...doc.fonts].some((f) => f.family.replace(/"/g, '') === 'ShopMono' && f.status === 'loaded'),
    photo: img('photo'), logo: img('logo'), partner: img('partner'),
    // A masked picture arrives as a box without its id (see packages/sdk masking).
    secret: [...doc.querySelectorAll('[data-tandem-mask] img')].map((el) => el.getAttribute('src') + ' ' + el.naturalWidth).join(),
    html: doc.documentElement.outerHTML,
  };
}`;

interface Look {
  brandColour: string; brandBorder: string; brandBackground: string; hero: string; heroSize: string; strip: string; stripBorder: string;
  price: number; serif: number; monoLoaded: boolean;
  photo: { src: string | null; natural: string } | null; logo: { src: string | null; natural: string } | null;
  partner: { src: string | null; natural: string } | null; secret: string;
  html: string;
}

describe('cross-origin and authenticated assets', () => {
  test('the replica draws the shop\'s cookie-only style sheet, font and pictures and the brand\'s CORS ones; the agent\'s browser contacts only Tandem',
    async () => {
      let wire: WireWatch | undefined;
      const agentRequests: string[] = [];
      const path = `/fixtures/shop/assets.html?b=${encodeURIComponent(brand.origin)}`;
      const { page, console: agent, close } = await sharedPage(stack, path, {
        beforeOpen: async (p) => {
          await p.context().addCookies([{ name: 'member', value: 'signed-in', url: stack.shop.origin }]);
          wire = await watchWire(p);
          if (process.env['DEBUG_ASSETS']) p.on('console', (m) => m.text().startsWith('DBG') && console.log(m.text()));
        },
        beforeConsole: async (c) => {
          c.on('request', (r) => agentRequests.push(r.url()));
        },
        agentContext: { bypassCSP: true },
      });
      try {
        const onPage = await page.evaluate(`(${LOOK})(document)`) as Look;
        assert.equal(onPage.brandColour, 'rgb(10, 120, 60)', 'the customer sees the brand\'s style sheet');
        assert.equal(onPage.photo?.natural, '40x30', 'and the shop\'s picture');
        assert.equal(onPage.partner?.natural, '24x24', 'and the partner\'s badge');
        assert.ok(Math.abs(onPage.price - onPage.serif) > 10, `the shop's font changes the price's width (${onPage.price} vs ${onPage.serif} in serif)`);

        const done = (v: Look | null) => !!v && v.logo?.natural === '30x20' && v.photo?.natural === '40x30' && v.monoLoaded &&
          v.brandColour === 'rgb(10, 120, 60)' && v.hero.startsWith('url("blob:') && v.brandBackground.startsWith('url("blob:') &&
          v.partner?.natural === '24x24' && v.strip.startsWith('url("blob:');
        const seen = await replicaUntil<Look>(agent, LOOK, done);
        await agent.screenshot({ path: join(screenshotsDir, 'replica-assets.png') });
        await page.screenshot({ path: join(screenshotsDir, 'replica-assets-customer.png') });
        if (process.env['DEBUG_ASSETS']) {
          const { html, ...rest } = seen ?? ({} as Look);
          console.log(JSON.stringify(rest), html?.slice(0, 3000));
          console.log([...new Set(wire!.frames().flatMap((f) => [...f.text.matchAll(/"tag":"tandem\/asset","payload":\{"url":"([^"]+)"/g)].map((m) => m[1]!)))]);
          console.log(served);
        }
        assert.ok(seen, 'the replica was built');
        assert.equal(seen.brandColour, 'rgb(10, 120, 60)', 'the brand\'s style sheet (cookie, CORS, not readable by rrweb) applies in the replica');
        assert.equal(seen.brandBorder, '7px');
        assert.match(seen.brandBackground, /^url\("blob:/, 'the picture the brand\'s sheet names (relative to it) is drawn');
        assert.match(seen.hero, /^url\("blob:/, 'the shop\'s cookie-only background picture is drawn');
        assert.equal(seen.heroSize, '120x80');
        assert.equal(seen.photo?.natural, '40x30', 'the shop\'s cookie-only picture is drawn');
        assert.equal(seen.logo?.natural, '30x20', 'the brand\'s cookie-only CORS picture is drawn');
        assert.ok(seen.monoLoaded, 'the shop\'s cookie-only font is loaded in the replica');
        assert.ok(Math.abs(seen.price - onPage.price) <= 1, `the price is as wide as on the customer's page (${seen.price} vs ${onPage.price})`);
        assert.match(seen.partner?.src ?? '', /^blob:/, 'the badge the page may not read is drawn from what Tandem fetched');
        assert.equal(seen.partner?.natural, '24x24', 'at its natural size');
        assert.equal(seen.stripBorder, '3px', 'the partner\'s style sheet the page may not read applies, as Tandem fetched it');
        assert.match(seen.strip, /^url\("blob:/, 'and the picture it names, which only Tandem learnt of, is drawn');
        assert.equal(seen.secret, 'null 0', 'the masked picture is a box');

        // The agent's browser asked no one but Tandem (blob: and data: URLs load nothing from the network).
        const tandem = new URL(stack.server.url).origin;
        const elsewhere = agentRequests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== tandem);
        assert.deepEqual(elsewhere, [], 'the agent\'s browser requested nothing from the shop or the brand');
        assert.ok(!seen.html.includes(stack.shop.origin) && !seen.html.includes(brand.origin),
          'no URL of the shop or the brand is left in the replica (so an agent\'s browser without the console\'s CSP loads none either)');
        const fromBrowser = served.filter((s) => !s.tandem);
        assert.deepEqual(fromBrowser.filter((s) => !s.cookie), [], 'every request the two sites saw from a browser was the customer\'s, with its cookie');
        const byTandem = served.filter((s) => s.tandem);
        assert.deepEqual(byTandem.map((s) => s.path).sort(), ['/nocors/partner.css', '/nocors/partner.png', '/nocors/strip.png'],
          'Tandem fetched the partner\'s badge, style sheet and its picture, once each, and nothing else');
        assert.ok(byTandem.every((s) => s.site === 'brand' && !s.cookie), 'without the customer\'s cookie');

        // On the wire: the assets went, the masked picture and the one the page may not read did not (the latter by name only).
        const frames = wire!.frames();
        assert.ok(frames.every((f) => !f.unreadable), 'every frame the page sent was read');
        const sent = new Set(frames.flatMap((f) => [...f.text.matchAll(/"tag":"tandem\/asset","payload":\{"url":"([^"]+)"/g)].map((m) => m[1]!)));
        const expected = ['shop-private/mono.woff2', 'shop-private/photo.png', 'shop-private/hero.png',
          'private/brand.css', 'private/logo.png', 'private/badge.png'];
        for (const name of expected) {
          assert.ok([...sent].some((u) => u.endsWith(name)), `${name} went to Tandem (sent: ${[...sent].join(', ')})`);
        }
        assert.ok(![...sent].some((u) => u.includes('secret') || u.includes('partner') || u.includes('mono-missing')),
          `no masked picture, unreadable picture or unused font went (sent: ${[...sent].join(', ')})`);
        assert.ok(!frames.some((f) => f.text.includes('secret.png')), 'the masked picture\'s URL never left the page');
        const unreadable = new Set(frames.flatMap((f) => [...f.text.matchAll(/"tag":"tandem\/asset-unreadable","payload":\{"url":"([^"]+)"/g)].map((m) => m[1]!)));
        assert.deepEqual([...unreadable].map((u) => new URL(u).pathname).sort(), ['/nocors/partner.css', '/nocors/partner.png'],
          'only the partner\'s badge and style sheet were named as unreadable');
      } finally {
        await wire?.stop();
        await close();
      }
    });

  test('after a fresh snapshot the page sends its assets again, so a console that joins from it draws them too', async () => {
    const path = `/fixtures/shop/assets.html?b=${encodeURIComponent(brand.origin)}`;
    const { callId, console: agent, close } = await sharedPage(stack, path, {
      beforeOpen: (p) => p.context().addCookies([{ name: 'member', value: 'signed-in', url: stack.shop.origin }]),
    });
    try {
      const first = await replicaUntil<Look>(agent, LOOK, (v) => v?.logo?.natural === '30x20' && v.brandColour === 'rgb(10, 120, 60)');
      assert.equal(first?.logo?.natural, '30x20');
      // A second agent asks for a fresh snapshot (as a drifted replica does): the relay keeps only it and what followed.
      const other = await stack.agent(callId);
      await other.waitForFrame((f) => f.kind === 'snapshot');
      const before = other.frames().filter((f) => f.kind === 'snapshot').length;
      other.send({ type: 'snapshot.request', reason: 'drift' });
      await other.waitForFrame((f) => f.kind === 'snapshot' && other.frames().filter((g) => g.kind === 'snapshot').length > before);
      await other.waitForFrame((f) => f.kind === 'delta' && f.text.includes('tandem/asset') && f.seq > Math.max(...other.frames()
        .filter((g) => g.kind === 'snapshot').map((g) => g.seq)));
      // The console opens again (a new link): it starts from the fresh snapshot and what followed it.
      const token = (await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: callId })).body;
      await agent.goto('about:blank');
      await agent.goto(token.consoleUrl);
      const again = await replicaUntil<Look>(agent, LOOK, (v) => v?.logo?.natural === '30x20' && v.brandColour === 'rgb(10, 120, 60)' && v.monoLoaded);
      assert.equal(again?.logo?.natural, '30x20', 'the console opened again draws the brand\'s picture');
      assert.equal(again?.brandColour, 'rgb(10, 120, 60)', 'and applies its style sheet');
      assert.ok(again?.monoLoaded, 'and has the shop\'s font');
    } finally {
      await close();
    }
  });
});
