// The benchmark's website: its own origin, serving bench/fixtures/pages. A page asked for with
// ?mode=tandem embeds the Tandem SDK the way a company's site does (identify + <script src=sdk.js>);
// ?mode=baseline embeds the plain rrweb recorder (bench/baselines/browser/rrweb-recorder.ts) that
// streams to the bare relay. /bench-dist/ serves the bench's browser bundles.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { identityToken } from './tandem-setup.ts';
import { benchDistDir } from './browser-bundles.ts';

const pagesDir = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

export interface BenchSiteOptions {
  tandemUrl?: string;
  /** Tandem through the wire meter (pages asked for with &metered=1). */
  meteredTandemUrl?: string;
  deploymentKey?: string;
  identitySecret?: string;
  /** ws:// URL of the bare rrweb relay (baseline). */
  relayUrl?: string;
}

export interface BenchSite {
  origin: string;
  url(path: string): string;
  configure(o: BenchSiteOptions): void;
  close(): Promise<void>;
}

export async function startBenchSite(): Promise<BenchSite> {
  let opts: BenchSiteOptions = {};
  const embed = async (q: URLSearchParams) => {
    const mode = q.get('mode');
    if (mode === 'tandem') {
      const customer = q.get('customer');
      const identify = customer ? `window.Tandem.push(['identify', ${JSON.stringify(await identityToken(opts.identitySecret!, customer))}]);` : '';
      return `<script>window.Tandem = window.Tandem || []; ${identify}</script>\n<script src="${q.get('metered') ? opts.meteredTandemUrl : opts.tandemUrl}/sdk.js" data-deployment="${opts.deploymentKey}" async></script>`;
    }
    if (mode === 'baseline') {
      return `<script>window.__benchRelay = ${JSON.stringify(opts.relayUrl)};</script>\n<script type="module" src="/bench-dist/rrweb-recorder.js"></script>`;
    }
    return '';
  };
  const server: Server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(u.pathname);
    let root: string;
    let rel: string;
    if (path.startsWith('/pages/')) [root, rel] = [pagesDir, path.slice('/pages/'.length)];
    else if (path.startsWith('/bench-dist/')) [root, rel] = [benchDistDir, path.slice('/bench-dist/'.length)];
    else return void res.writeHead(404).end();
    const file = normalize(join(root, rel));
    if (!file.startsWith(join(root, sep))) return void res.writeHead(403).end();
    try {
      let body: string | Buffer = await readFile(file);
      if (extname(file) === '.html') body = body.toString('utf8').replace('<!--embed-->', await embed(u.searchParams));
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
    configure(o) {
      opts = { ...opts, ...o };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
