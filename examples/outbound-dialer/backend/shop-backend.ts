// The demo shop's own server, on its own origin (SHOP_PORT) as a real shop would be: pages, a
// cookie session for the signed-in customer, a cookie cart, and the one endpoint Tandem needs
// from a site's backend: GET /shop-api/identity, the signed-in customer's identity token.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { productBySlug, productSvg } from './catalog.ts';
import { SHOP_CUSTOMER, customerById, type DemoCustomer } from './customers.ts';
import { HttpError, cookies, readForm, redirect, sendFile, sendJson, sendText } from './http-responses.ts';
import { signIdentityToken } from './identity-token.ts';
import {
  cartPage, checkoutPage, helpPage, homePage, messagePage, orderPage, productPage, signInPage,
  type CartLine, type PageContext,
} from './shop-pages.ts';

const SHOP_DIR = fileURLToPath(new URL('../shop', import.meta.url));
const SESSION_COOKIE = 'nw_session';
const CART_COOKIE = 'nw_cart';
// A new visitor's cart holds the daypack Sam was buying, so the checkout is never empty in the demo.
const DEFAULT_CART = 'trailhead-28-daypack:1';

export interface ShopContext {
  tandemUrl: string;
  deploymentKey: string;
  identitySecret: string;
  /** Built browser scripts by file name (shop.js). */
  scripts: ReadonlyMap<string, string>;
}

export interface ShopBackend {
  server: Server;
  ready(context: ShopContext): void;
}

function readCart(req: IncomingMessage): CartLine[] {
  const raw = cookies(req).get(CART_COOKIE) ?? DEFAULT_CART;
  const lines: CartLine[] = [];
  for (const part of raw.split(',')) {
    const [slug, qty] = part.split(':');
    const product = slug ? productBySlug(slug) : undefined;
    const quantity = Number(qty);
    if (product && Number.isInteger(quantity) && quantity > 0 && quantity < 100) lines.push({ product, quantity });
  }
  return lines;
}

const cartCookie = (lines: CartLine[]) =>
  `${CART_COOKIE}=${encodeURIComponent(lines.map((l) => `${l.product.slug}:${l.quantity}`).join(','))}; Path=/; SameSite=Lax; Max-Age=2592000`;

// A demo session: the cookie names the customer. A real shop keeps a random session id instead.
function signedIn(req: IncomingMessage): DemoCustomer | null {
  const id = cookies(req).get(SESSION_COOKIE);
  return id ? customerById(id) ?? null : null;
}

function safeNext(next: string | null): string {
  return next && /^\/(?!\/)[A-Za-z0-9/_\-?=&.]*$/.test(next) ? next : '/';
}

export function createShopBackend(): ShopBackend {
  let context: ShopContext | null = null;

  function html(res: ServerResponse, status: number, body: string) {
    sendText(res, status, 'text/html; charset=utf-8', body, { 'cache-control': 'no-store' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!context) throw new HttpError(503, 'starting', 'The shop is still starting: reload in a moment.');
    const url = new URL(req.url ?? '/', 'http://shop.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const page: PageContext = { tandemUrl: context.tandemUrl, deploymentKey: context.deploymentKey, customer: signedIn(req), cart: readCart(req) };

    // HEAD is answered like GET; node:http leaves the body out.
    if (method === 'GET' || method === 'HEAD') {
      if (path === '/') return html(res, 200, homePage(page));
      if (path === '/cart') return html(res, 200, cartPage(page));
      if (path === '/checkout') return html(res, 200, checkoutPage(page));
      if (path === '/help') return html(res, 200, helpPage(page));
      if (path === '/signin') return html(res, 200, signInPage(page, SHOP_CUSTOMER, null, safeNext(url.searchParams.get('next'))));
      if (path === '/shop.css') return sendFile(res, SHOP_DIR, 'shop.css');
      if (path === '/shop.js') return sendText(res, 200, 'text/javascript; charset=utf-8', context.scripts.get('shop.js') ?? '');
      const product = /^\/product\/([a-z0-9-]+)$/.exec(path)?.[1];
      if (product) {
        const p = productBySlug(product);
        if (p) return html(res, 200, productPage(page, p));
      }
      const image = /^\/images\/([a-z0-9-]+)\.svg$/.exec(path)?.[1];
      if (image) {
        const p = productBySlug(image);
        if (p) return sendText(res, 200, 'image/svg+xml', productSvg(p), { 'cache-control': 'max-age=3600' });
      }
      const order = /^\/order\/(NW-[0-9]{5})$/.exec(path)?.[1];
      if (order) return html(res, 200, orderPage(page, order));
      if (path === '/shop-api/identity') {
        // Only for the signed-in customer: the token is what lets Tandem push an invite to this page.
        if (!page.customer) return sendJson(res, 401, { error: { code: 'not_signed_in', detail: 'Sign in first' } });
        const { token, expiresAt } = await signIdentityToken(page.customer.id, context.identitySecret);
        return sendJson(res, 200, { token, expiresAt, customer: { id: page.customer.id, name: page.customer.name } });
      }
      return html(res, 404, messagePage(page, 'Page not found', 'That page does not exist (any more).'));
    }

    if (method === 'POST') {
      const form = await readForm(req);
      if (path === '/cart/add') {
        const p = productBySlug(form.get('slug') ?? '');
        if (!p) throw new HttpError(400, 'validation_failed', 'No such product');
        const quantity = Math.min(9, Math.max(1, Number(form.get('quantity')) || 1));
        const lines = page.cart.filter((l) => l.product.slug !== p.slug);
        const existing = page.cart.find((l) => l.product.slug === p.slug)?.quantity ?? 0;
        lines.push({ product: p, quantity: Math.min(99, existing + quantity) });
        return redirect(res, '/cart', { 'set-cookie': cartCookie(lines) });
      }
      if (path === '/cart/remove') {
        return redirect(res, '/cart', { 'set-cookie': cartCookie(page.cart.filter((l) => l.product.slug !== form.get('slug'))) });
      }
      if (path === '/checkout') {
        // Nothing from the form is kept: this is a demo.
        const order = `NW-${String(randomBytes(2).readUInt16BE() % 90000 + 10000)}`;
        return redirect(res, `/order/${order}`, { 'set-cookie': `${CART_COOKIE}=; Path=/; SameSite=Lax; Max-Age=2592000` });
      }
      if (path === '/signin') {
        const next = safeNext(form.get('next'));
        const email = (form.get('email') ?? '').trim().toLowerCase();
        if (email !== SHOP_CUSTOMER.email || !form.get('password')) {
          return html(res, 401, signInPage(page, SHOP_CUSTOMER, 'That email and password do not match an account.', next));
        }
        return redirect(res, next, { 'set-cookie': `${SESSION_COOKIE}=${SHOP_CUSTOMER.id}; Path=/; HttpOnly; SameSite=Lax` });
      }
      if (path === '/signout') return redirect(res, '/', { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` });
    }
    throw new HttpError(404, 'not_found', 'Not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.end();
      if (err instanceof HttpError) return sendText(res, err.status, 'text/plain; charset=utf-8', err.message);
      process.stderr.write(`demo shop: ${(err as Error).stack ?? String(err)}\n`);
      sendText(res, 500, 'text/plain; charset=utf-8', 'Something went wrong in the demo shop');
    });
  });
  return {
    server,
    ready(ctx) {
      context = ctx;
    },
  };
}

