// Reaching Tandem's prompts from a test. They live in a CLOSED shadow root, which neither the page
// nor Playwright's selectors can enter; the DevTools protocol can (it pierces closed roots). Tests
// use it to find where a button is, then click there with the real mouse (a trusted click), or to
// fake a script click on it (an untrusted one).
import type { CDPSession, Page } from 'playwright-core';

interface DomNode {
  nodeId: number;
  nodeName: string;
  shadowRoots?: DomNode[];
  children?: DomNode[];
}

export interface TandemUi {
  /** nodeId of the first element matching `selector` inside Tandem's shadow root, or null */
  find(selector: string): Promise<number | null>;
  waitFor(selector: string, timeoutMs?: number): Promise<number>;
  waitForGone(selector: string, timeoutMs?: number): Promise<void>;
  text(selector: string): Promise<string>;
  center(selector: string): Promise<{ x: number; y: number }>;
  /** Runs `fn` (a function source) with `this` = the element; returns its value. */
  evaluate(selector: string, fn: string): Promise<unknown>;
  /** A real mouse click (isTrusted) at the element's centre. */
  click(selector: string): Promise<void>;
  /** What a page script could try: el.click() and dispatchEvent(new MouseEvent('click')). */
  scriptClick(selector: string): Promise<void>;
  detach(): Promise<void>;
}

export async function tandemUi(page: Page): Promise<TandemUi> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');

  const shadowRoot = async (): Promise<number | null> => {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    const stack: DomNode[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.nodeName === 'TANDEM-UI' && n.shadowRoots?.[0]) return n.shadowRoots[0].nodeId;
      stack.push(...(n.children ?? []), ...(n.shadowRoots ?? []));
    }
    return null;
  };

  const find = async (selector: string): Promise<number | null> => {
    const root = await shadowRoot();
    if (root === null) return null;
    const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root, selector })) as { nodeId: number };
    return nodeId || null;
  };

  const call = async (selector: string, fn: string): Promise<unknown> => {
    const nodeId = await find(selector);
    if (nodeId === null) throw new Error(`no ${selector} in Tandem's UI`);
    const { object } = (await cdp.send('DOM.resolveNode', { nodeId })) as { object: { objectId: string } };
    const { result } =
      (await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: fn, returnByValue: true })) as { result: { value: unknown } };
    return result.value;
  };

  const ui: TandemUi = {
    find,
    async waitFor(selector, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const id = await find(selector);
        // Present and laid out (a hidden or closed element has no box).
        if (id !== null && (await call(selector, 'function () { const r = this.getBoundingClientRect(); return r.width > 0 && r.height > 0; }'))) return id;
        if (Date.now() > end) throw new Error(`Tandem UI: ${selector} did not appear`);
        await page.waitForTimeout(50);
      }
    },
    async waitForGone(selector, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while ((await find(selector)) !== null) {
        if (Date.now() > end) throw new Error(`Tandem UI: ${selector} is still there`);
        await page.waitForTimeout(50);
      }
    },
    evaluate: call,
    text: async (selector) => String(await call(selector, 'function () { return this.innerText; }')),
    center: async (selector) => (await call(selector,
      'function () { const r = this.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; }')) as { x: number; y: number },
    async click(selector) {
      const { x, y } = await ui.center(selector);
      await page.mouse.click(x, y);
    },
    async scriptClick(selector) {
      await call(selector, "function () { this.click(); this.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true })); }");
    },
    detach: () => cdp.detach(),
  };
  return ui;
}
