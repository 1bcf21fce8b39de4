// The benchmark's website: its own origin, serving bench/fixtures/pages. A page asked for with
// ?mode=tandem embeds the Tandem SDK the way a company's site does (identify + <script src=sdk.js>);
// ?mode=baseline embeds the plain rrweb recorder (bench/baselines/browser/rrweb-recorder.ts) that
// streams to the bare relay; ?mode=rrweb-only, rrweb record alone (events made into JSON, not sent). /bench-dist/ serves the bench's browser bundles.
import { fileURLToPath } from 'node:url';
import { startTestSite } from '../../e2e/harness/test-site.ts';
import { identityToken } from './tandem-setup.ts';
import { benchDistDir } from './browser-bundles.ts';

const pagesDir = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));

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
      return `<script>window.Tandem = window.Tandem || []; ${identify}</script>\n<script ` +
        `src="${q.get('metered') ? opts.meteredTandemUrl : opts.tandemUrl}/sdk.js" data-deployment="${opts.deploymentKey}" async></script>`;
    }
    if (mode === 'baseline') {
      return `<script>window.__benchRelay = ${JSON.stringify(opts.relayUrl)};</script>\n<script type="module" src="/bench-dist/rrweb-recorder.js"></script>`;
    }
    if (mode === 'rrweb-only') return '<script type="module" src="/bench-dist/rrweb-record-only.js"></script>';
    return '';
  };
  const site = await startTestSite({ '/pages/': pagesDir, '/bench-dist/': benchDistDir },
    async (html, url) => html.replace('<!--embed-->', await embed(url.searchParams)));
  return {
    origin: site.origin,
    url: site.url,
    close: site.close,
    configure(o) {
      opts = { ...opts, ...o };
    },
  };
}
