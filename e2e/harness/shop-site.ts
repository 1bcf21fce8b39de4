// The company's website in the end-to-end tests: its own origin, pages that embed Tandem the way
// a site does (<script src="{server}/sdk.js" data-deployment async>), and a "backend" that signs
// the logged-in customer's identity token with the deployment's identity secret.
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { e2eDistDir, fixturesDir } from './browser-bundles.ts';
import { startTestSite, type RouteHandler } from './test-site.ts';

// Fixture pages written for the capture-only tests load test hooks; on the shop they embed Tandem.
const PAGE_TOOLS = '<script type="module" src="/e2e-dist/page-tools.js"></script>';

export interface ShopSite {
  origin: string;
  url(path: string): string;
  /** Answers requests under `prefix` with `handler` (a test's own resources on the shop's origin). */
  route(prefix: string, handler: RouteHandler): void;
  /** The customer logged in to the site (null: nobody, the page does not identify). */
  setCustomer(customerId: string | null): void;
  /** More attributes on the pages' SDK script tag (e.g. data-frame-origins), until set again. */
  setScriptAttributes(attributes: Record<string, string>): void;
  /** Which Tandem server and deployment the pages embed (known once the site's origin is registered). */
  configure(options: ShopOptions): void;
  close(): Promise<void>;
}

export interface ShopOptions {
  tandemUrl: string;
  deploymentKey: string;
  identitySecret: string;
}

export async function identityToken(secret: string, customerId: string): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(customerId).setIssuedAt().setExpirationTime('10m').sign(
    new TextEncoder().encode(secret));
}

export async function startShopSite(): Promise<ShopSite> {
  let customer: string | null = null;
  let options: ShopOptions = { tandemUrl: '', deploymentKey: '', identitySecret: '' };
  let extraAttributes = '';
  const embed = async () => {
    const identify = customer ? `window.Tandem.push(['identify', ${JSON.stringify(await identityToken(options.identitySecret, customer))}]);` : '';
    return `<script>window.Tandem = window.Tandem || []; ${identify}</script>\n<script src="${options.tandemUrl}/sdk.js" ` +
      `data-deployment="${options.deploymentKey}"${extraAttributes} async></script>`;
  };
  const site = await startTestSite(
    // The fixture apps' own bundles (React, Vue, Lit) are built into e2e/dist.
    { '/shop/': join(fixturesDir, 'shop'), '/fixtures/': fixturesDir, '/e2e-dist/': e2eDistDir },
    async (html) => {
      const snippet = await embed();
      return html.replace('<!--tandem-->', snippet).replace(PAGE_TOOLS, snippet);
    },
  );
  return {
    origin: site.origin,
    url: site.url,
    route: site.route,
    close: site.close,
    setCustomer(id) {
      customer = id;
    },
    setScriptAttributes(attributes) {
      extraAttributes = Object.entries(attributes).map(([name, value]) => ` ${name}="${value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}"`).join('');
    },
    configure(o) {
      options = o;
    },
  };
}
