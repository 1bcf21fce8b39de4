// Everything an SDK end-to-end test runs against: the real Tandem server (PGlite), the built
// bundles it serves, a shop site on its own origin registered as a deployment, and Chromium.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../../packages/server/test/test-server.ts';
import { callId } from '../../packages/server/test/fixtures.ts';
import { buildBrowserBundles, e2eDir } from './browser-bundles.ts';
import { launchChromium } from './chromium.ts';
import { startShopSite, type ShopSite } from './shop-site.ts';
import { connectAgent, type AgentClient } from './agent-client.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export const screenshotsDir = join(e2eDir, 'screenshots');

export interface TandemStack {
  server: TestServer;
  shop: ShopSite;
  browser: Browser;
  deployment: { id: string; key: string; identitySecret: string };
  /** The shop's pages reach Tandem through this proxy: `network.cut()` cuts the customer off. */
  network: TcpProxy;
  /** A connected call for a new customer, as the dialer would create it. */
  call(customer?: Record<string, string>): Promise<{ id: string; customerId: string }>;
  /** The agent of that call on the agent socket. */
  agent(conversationId: string): Promise<AgentClient>;
  close(): Promise<void>;
}

/** `env` is the server's extra configuration (e.g. ASSET_PROXY_ALLOW). */
export async function startTandemStack(env: Record<string, string> = {}): Promise<TandemStack> {
  await mkdir(screenshotsDir, { recursive: true });
  const [server, shop, browser] = await Promise.all([startTestServer('pglite', env), startShopSite(), launchChromium(), buildBrowserBundles()]);
  const dep = await server.api('POST', '/v1/deployments', { name: 'Northwind shop', companyName: 'Northwind Outfitters', allowedOrigins: [shop.origin] });
  if (dep.status !== 201) throw new Error(`deployment: ${dep.text}`);
  const deployment = dep.body as TandemStack['deployment'];
  const network = await startTcpProxy(server.url);
  shop.configure({ tandemUrl: network.url, deploymentKey: deployment.key, identitySecret: deployment.identitySecret });
  const agents: AgentClient[] = [];
  return {
    server,
    shop,
    browser,
    deployment,
    network,
    async call(customer = {}) {
      const id = callId('sdk');
      const res = await server.api('PUT', `/v1/conversations/${id}`,
        { state: 'connected', customer: { id: `cust-${id}`, name: 'Jordan Rivera', ...customer }, agent: { id: 'agent-7', name: 'Dana' } });
      if (res.status !== 201 && res.status !== 200) throw new Error(`conversation: ${res.text}`);
      return { id, customerId: res.body.customer.id as string };
    },
    async agent(conversationId) {
      const res = await server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId });
      if (res.status !== 201) throw new Error(`agent token: ${res.text}`);
      const client = await connectAgent(server.url, res.body.token as string);
      agents.push(client);
      return client;
    },
    async close() {
      for (const a of agents) a.close();
      await browser.close();
      await shop.close();
      await network.close();
      await server.close();
    },
  };
}

export async function eventsOf(server: TestServer,
  conversationId: string): Promise<{ type: string; data: Record<string, unknown>; sessionId: string | null }[]> {
  const res = await server.api('GET', `/v1/events?conversationId=${encodeURIComponent(conversationId)}&limit=1000`);
  return res.body.data;
}

export async function waitForEvent(server: TestServer, conversationId: string, type: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await eventsOf(server, conversationId)).find((e) => e.type === type);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`no ${type} event for ${conversationId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
