// The SDK draws its prompts and banner in a CLOSED shadow root that page scripts and Playwright
// selectors cannot enter. The DevTools protocol can: the story test finds a button there, then
// clicks its centre with the real mouse, which is the trusted click the SDK requires.
import type { CDPSession, Page } from 'playwright-core';

interface DomNode {
  nodeId: number;
  nodeName: string;
  shadowRoots?: DomNode[];
  children?: DomNode[];
}

export interface SdkUi {
  /** Whether `selector` matches a laid-out element in the SDK's UI. */
  visible(selector: string): Promise<boolean>;
  waitFor(selector: string, timeoutMs?: number): Promise<void>;
  waitForGone(selector: string, timeoutMs?: number): Promise<void>;
  text(selector: string): Promise<string>;
  /** A real mouse click at the element's centre. */
  click(selector: string): Promise<void>;
  detach(): Promise<void>;
}

export async function sdkUi(page: Page): Promise<SdkUi> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');

  const root = async (): Promise<number | null> => {
    const { root: doc } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
    const stack: DomNode[] = [doc];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.nodeName === 'TANDEM-UI' && node.shadowRoots?.[0]) return node.shadowRoots[0].nodeId;
      stack.push(...(node.children ?? []), ...(node.shadowRoots ?? []));
    }
    return null;
  };

  const call = async <T>(selector: string, fn: string): Promise<T | null> => {
    const shadow = await root();
    if (shadow === null) return null;
    const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: shadow, selector })) as { nodeId: number };
    if (!nodeId) return null;
    const { object } = (await cdp.send('DOM.resolveNode', { nodeId })) as { object: { objectId: string } };
    const { result } = (await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: fn, returnByValue: true })) as { result: { value: T } };
    return result.value;
  };

  const visible = async (selector: string) =>
    (await call<boolean>(selector, 'function () { const r = this.getBoundingClientRect(); return r.width > 0 && r.height > 0; }')) === true;

  const until = async (check: () => Promise<boolean>, what: string, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`SDK UI: ${what}`);
      await page.waitForTimeout(50);
    }
  };

  return {
    visible,
    waitFor: (selector, timeoutMs = 15_000) => until(() => visible(selector), `${selector} did not appear`, timeoutMs),
    waitForGone: (selector, timeoutMs = 15_000) => until(async () => !(await visible(selector)), `${selector} is still there`, timeoutMs),
    text: async (selector) => (await call<string>(selector, 'function () { return this.innerText; }')) ?? '',
    async click(selector) {
      const box = await call<{ x: number; y: number }>(selector, 'function () { const r = this.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; }');
      if (!box) throw new Error(`SDK UI: no ${selector}`);
      await page.mouse.click(box.x, box.y);
    },
    detach: () => cdp.detach(),
  };
}
