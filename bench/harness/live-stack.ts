// What the browser scenarios run on: Tandem's server in its own process (`tandem start`), the
// baseline's bare rrweb relay in its own process, the bench site on a third origin, and one
// Chromium in which every page of a comparison runs (one clock: see browser/probe.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FRAME_HEADER_BYTES, FRAME_KIND, frameKindOf } from '@tandem/protocol';
import { launchChromium } from '../../e2e/harness/chromium.ts';
import { tandemUi } from '../../e2e/harness/tandem-ui.ts';
import { buildSdk } from '../../packages/sdk/build.ts';
import { buildAgent } from '../../packages/agent/build.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';
import { BenchApi } from './tandem-setup.ts';
import { startBenchSite, type BenchSite } from './bench-site.ts';
import { buildBenchBundles, probeSource } from './browser-bundles.ts';
import { startWireMeter, type WireMeter } from './wire-meter.ts';

const RELAY = fileURLToPath(new URL('../baselines/rrweb-relay.ts', import.meta.url));
export const CUSTOMER_VIEWPORT = { width: 1280, height: 800 };
export const AGENT_VIEWPORT = { width: 1440, height: 900 };

/** One frame the customer's page sent on a socket, seen from the browser (DevTools). */
export interface WireFrame {
  t: number;
  binary: boolean;
  bytes: Buffer;
}

export interface CustomerPage {
  page: Page;
  context: BrowserContext;
  /** Frames sent on the capture socket (Tandem) or the recorder socket (baseline). */
  wire: WireFrame[];
  callId: string;
}

export interface LiveStack {
  browser: Browser;
  site: BenchSite;
  server: ServerProcess;
  api: BenchApi;
  relayUrl: string;
  probe: string;
  /** A customer page of the bench site that has said yes to sharing with Tandem. */
  tandemCustomer(path: string): Promise<CustomerPage>;
  /** Bytes pages sent to Tandem through the wire meter (pages opened with &metered=1). */
  meter: WireMeter;
  /** The agent console page (/console) on that call, with the probe loaded. */
  tandemConsole(callId: string, opts?: { initScript?: string; page?: Page }): Promise<Page>;
  consoleUrl(callId: string): Promise<string>;
  /** The same page recorded by plain rrweb, streaming to the bare relay. */
  baselineCustomer(path: string): Promise<CustomerPage>;
  baselineViewerUrl(): string;
  newAgentPage(initScript?: string): Promise<Page>;
  close(): Promise<void>;
}

let calls = 0;

async function startRelay(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', RELAY], { stdio: ['ignore', 'pipe', 'inherit'] });
  // Like Tandem's server process: a bench that dies (or never gets to close the stack) does not leave it running.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`baseline relay exited ${code}`)));
    child.stdout!.on('data', (d) => {
      const m = /PORT=(\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, url: `ws://127.0.0.1:${port}` };
}

function watchWire(page: Page, match: (url: string) => boolean): WireFrame[] {
  const wire: WireFrame[] = [];
  page.on('websocket', (ws) => {
    if (!match(ws.url())) return;
    ws.on('framesent', ({ payload }) =>
      wire.push({ t: Date.now(), binary: typeof payload !== 'string', bytes: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload }));
  });
  return wire;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startLiveStack(): Promise<LiveStack> {
  // Tandem's bundles as shipped (npm run bench builds them first; a bare run builds them here).
  if (!existsSync(fileURLToPath(new URL('../../packages/sdk/dist/capture.js', import.meta.url)))) await buildSdk();
  if (!existsSync(fileURLToPath(new URL('../../packages/agent/dist/console.js', import.meta.url)))) await buildAgent();
  // Each part on its own: when one fails to start (the server, on a machine too busy to boot it
  // in time), the parts that did start are stopped before the error goes up, not left running.
  const started = await Promise.allSettled([startServerProcess(), startRelay(), startBenchSite(), launchChromium(), buildBenchBundles()]);
  const [serverP, relayP, siteP, browserP] = started;
  const stopStarted = async () => {
    if (browserP.status === 'fulfilled') await browserP.value.close().catch(() => undefined);
    if (siteP.status === 'fulfilled') await siteP.value.close().catch(() => undefined);
    if (relayP.status === 'fulfilled') relayP.value.child.kill();
    if (serverP.status === 'fulfilled') await serverP.value.stop().catch(() => undefined);
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stopStarted();
    throw failed.reason;
  }
  const server = (serverP as PromiseFulfilledResult<ServerProcess>).value;
  const relay = (relayP as PromiseFulfilledResult<{ child: ChildProcess; url: string }>).value;
  const site = (siteP as PromiseFulfilledResult<BenchSite>).value;
  const browser = (browserP as PromiseFulfilledResult<Browser>).value;
  let probe: string;
  let api: BenchApi;
  let meter: WireMeter;
  try {
    probe = await probeSource();
    api = await new BenchApi(server.url, server.clientId, server.clientSecret).login();
    meter = await startWireMeter(server.url);
    const dep = (await api.call('POST', '/v1/deployments', { name: 'bench', allowedOrigins: [site.origin] })).body as { key: string; identitySecret: string };
    site.configure({ tandemUrl: server.url, meteredTandemUrl: meter.url, deploymentKey: dep.key, identitySecret: dep.identitySecret, relayUrl: relay.url });
  } catch (err) {
    await stopStarted();
    throw err;
  }
  const contexts: BrowserContext[] = [];
  const newContext = async (viewport: { width: number; height: number }) => {
    const c = await browser.newContext({ viewport });
    contexts.push(c);
    return c;
  };

  const stack: LiveStack = {
    browser,
    site,
    server,
    api,
    relayUrl: relay.url,
    probe,
    meter,
    async tandemCustomer(path) {
      const callId = `bench-${++calls}-${Date.now()}`;
      await api.call('PUT', `/v1/conversations/${callId}`, { state: 'connected', customer: { id: `c-${callId}` }, agent: { id: 'agent', name: 'Agent' } });
      const context = await newContext(CUSTOMER_VIEWPORT);
      const page = await context.newPage();
      await page.addInitScript(probe);
      const wire = watchWire(page, (u) => u.includes('/v1/capture'));
      // The page is reachable once the server has said `identified` on its visitor socket; an
      // invite sent before that finds no live page (customer_unreachable).
      let identified = false;
      page.on('websocket', (ws) => {
        if (ws.url().includes(
          '/v1/visitor')) ws.on('framereceived', ({ payload }) => { if (String(payload).includes('"type":"identified"')) identified = true; });
      });
      await page.goto(site.url(`${path}${path.includes('?') ? '&' : '?'}mode=tandem&customer=c-${callId}`));
      await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
      await until(() => identified, 'the page to be identified on its visitor socket');
      const inv = await api.call('POST', '/v1/invites', { conversationId: callId });
      if (inv.status !== 201) throw new Error(`invite: ${JSON.stringify(inv.body)}`);
      const ui = await tandemUi(page);
      await ui.waitFor('dialog [data-action="accept"]');
      await page.waitForTimeout(600);
      await ui.click('dialog [data-action="accept"]');
      await ui.detach();
      // Sharing: the first snapshot left the page.
      await until(() => wire.some((f) => f.binary && f.bytes.byteLength >= FRAME_HEADER_BYTES && frameKindOf(f.bytes) === FRAME_KIND.SNAPSHOT),
        'the first snapshot frame');
      return { page, context, wire, callId };
    },
    async consoleUrl(callId) {
      const res = await api.call('POST', '/v1/agent-tokens', { agentId: 'agent', conversationId: callId });
      if (res.status !== 201) throw new Error(`agent token: ${JSON.stringify(res.body)}`);
      return `${server.url}/console#token=${res.body.token as string}`;
    },
    async newAgentPage(initScript) {
      const context = await newContext(AGENT_VIEWPORT);
      const page = await context.newPage();
      await page.addInitScript(probe);
      if (initScript) await page.addInitScript(initScript);
      return page;
    },
    async tandemConsole(callId, opts = {}) {
      const page = opts.page ?? (await stack.newAgentPage(opts.initScript));
      await page.goto(await stack.consoleUrl(callId));
      return page;
    },
    async baselineCustomer(path) {
      const context = await newContext(CUSTOMER_VIEWPORT);
      const page = await context.newPage();
      await page.addInitScript(probe);
      const wire = watchWire(page, (u) => u.startsWith(relay.url));
      await page.goto(site.url(`${path}${path.includes('?') ? '&' : '?'}mode=baseline`));
      await until(() => wire.length > 1, 'the recorder socket');
      return { page, context, wire, callId: '' };
    },
    baselineViewerUrl: () => site.url(`/bench-dist/viewer.html?relay=${encodeURIComponent(relay.url)}`),
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await site.close();
      await meter.close();
      relay.child.kill();
      await server.stop();
    },
  };
  return stack;
}

export { until };
