// The company's website in the end-to-end tests: its own origin, pages that embed Tandem the way
// a site does (<script src="{server}/sdk.js" data-deployment async>), and a "backend" that signs
// the logged-in customer's identity token with the deployment's identity secret.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { e2eDistDir, fixturesDir } from './browser-bundles.ts';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
// Fixture pages written for the capture-only tests load test hooks; on the shop they embed Tandem.
const PAGE_TOOLS = '<script type="module" src="/e2e-dist/page-tools.js"></script>';

export interface ShopSite {
  origin: string;
  url(path: string): string;
  /** The customer logged in to the site (null: nobody, the page does not identify). */
  setCustomer(customerId: string | null): void;
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
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(customerId).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(secret));
}

export async function startShopSite(): Promise<ShopSite> {
  let customer: string | null = null;
  let options: ShopOptions = { tandemUrl: '', deploymentKey: '', identitySecret: '' };
  const embed = async () => {
    const identify = customer ? `window.Tandem.push(['identify', ${JSON.stringify(await identityToken(options.identitySecret, customer))}]);` : '';
    return `<script>window.Tandem = window.Tandem || []; ${identify}</script>\n<script src="${options.tandemUrl}/sdk.js" data-deployment="${options.deploymentKey}" async></script>`;
  };
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/shop/') && !path.startsWith('/fixtures/') && !path.startsWith('/e2e-dist/')) return void res.writeHead(404).end();
    // The fixture apps' own bundles (React, Vue, Lit) are built into e2e/dist.
    const root = path.startsWith('/e2e-dist/') ? e2eDistDir : fixturesDir;
    const file = normalize(join(root, path.replace(/^\/(shop|fixtures|e2e-dist)\//, (_, dir: string) => (dir === 'shop' ? 'shop/' : ''))));
    if (!file.startsWith(normalize(root) + sep)) return void res.writeHead(403).end();
    try {
      let body: string | Buffer = await readFile(file);
      if (extname(file) === '.html') {
        const snippet = await embed();
        body = body.toString('utf8').replace('<!--tandem-->', snippet).replace(PAGE_TOOLS, snippet);
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (p) => origin + p,
    setCustomer(id) {
      customer = id;
    },
    configure(o) {
      options = o;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
