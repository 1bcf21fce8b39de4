// Shares a fixture page through the real product and reads the agent's replica of it.
import type { BrowserContextOptions, Page } from 'playwright-core';
import { waitForEvent, type TandemStack } from './tandem-stack.ts';
import { tandemUi } from './tandem-ui.ts';

export interface Shared {
  callId: string;
  page: Page;
  console: Page;
  close(): Promise<void>;
}

/** Opens `path` as a customer, shares it after an invite, and opens the agent's console. */
export async function sharedPage(stack: TandemStack, path: string, opts: {
  beforeOpen?: (page: Page) => Promise<void>;
  beforeShare?: (page: Page) => Promise<void>;
  /** Runs before the console page opens (e.g. to record its requests). */
  beforeConsole?: (console: Page) => Promise<void>;
  agentContext?: BrowserContextOptions;
} = {}): Promise<Shared> {
  const call = await stack.call();
  stack.shop.setCustomer(call.customerId);
  const customerContext = await stack.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const agentContext = await stack.browser.newContext({ viewport: { width: 1440, height: 900 }, ...opts.agentContext });
  const close = async () => {
    await customerContext.close();
    await agentContext.close();
  };
  try {
    const page = await customerContext.newPage();
    const console = await agentContext.newPage();
    await opts.beforeOpen?.(page);
    await opts.beforeConsole?.(console);
    await page.goto(stack.shop.url(path));
    // Polled with plain evaluations: Playwright's waitForFunction builds a MutationObserver in the
    // page, which one fixture replaces.
    for (let i = 0; i < 200 && (await page.evaluate(() => Array.isArray((window as unknown as { Tandem: unknown }).Tandem))); i++) {
      await page.waitForTimeout(50);
    }
    await opts.beforeShare?.(page);
    const ui = await tandemUi(page);
    const token = (await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body;
    await console.goto(token.consoleUrl);
    await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
    await ui.waitFor('dialog [data-action="accept"]');
    // The prompt ignores clicks in its first moments (a click meant for the page).
    await page.waitForTimeout(450);
    await ui.click('dialog [data-action="accept"]');
    await waitForEvent(stack.server, call.id, 'session.started');
    await ui.detach();
    return { callId: call.id, page, console, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Runs `fn` (a function source taking the replica's document) in the newest replica. */
export function inReplica<T>(console: Page, fn: string): Promise<T> {
  return console.evaluate(`(() => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
    const iframe = layers && layers[layers.length - 1];
    const doc = iframe && iframe.contentDocument;
    return doc && doc.body ? (${fn})(doc) : null;
  })()`) as Promise<T>;
}

/** Re-reads the replica until `accept` holds for what `fn` returns (or 10 s pass); returns the last value. */
export async function replicaUntil<T>(console: Page, fn: string, accept: (value: T | null) => boolean): Promise<T | null> {
  const end = Date.now() + 10_000;
  for (;;) {
    const value = await inReplica<T>(console, fn);
    if (accept(value) || Date.now() > end) return value;
    await console.waitForTimeout(100);
  }
}
