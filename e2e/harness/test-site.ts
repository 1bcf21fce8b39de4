// A stand-in for the customer's website: static fixture pages plus the built SDK and test
// bundles, on its own 127.0.0.1 origin (random port).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface TestSite {
  origin: string;
  url(path: string): string;
  /** Answers requests under `prefix` with `handler` instead of files (a test's own resources). */
  route(prefix: string, handler: RouteHandler): void;
  close(): Promise<void>;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Rewrites an HTML page before it is served (e.g. to put the site's script tags in). */
export type HtmlRewrite = (html: string, url: URL) => string | Promise<string>;

// mounts: URL prefix (e.g. '/sdk/') -> directory on disk
export async function startTestSite(mounts: Record<string, string>, rewriteHtml?: HtmlRewrite): Promise<TestSite> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const routes = new Map<string, RouteHandler>();
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    for (const [prefix, handler] of routes) if (path.startsWith(prefix)) return handler(req, res);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : mounts[prefix];
    if (prefix === undefined || root === undefined) {
      res.writeHead(404).end();
      return;
    }
    const file = normalize(join(root, path.slice(prefix.length)));
    // join(root, sep) is the root with exactly one trailing separator, however the mount was written.
    if (!file.startsWith(join(root, sep))) {
      res.writeHead(403).end();
      return;
    }
    try {
      let body: string | Buffer = await readFile(file);
      if (rewriteHtml && extname(file) === '.html') body = await rewriteHtml(body.toString('utf8'), url);
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => origin + path,
    route: (prefix, handler) => routes.set(prefix, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
