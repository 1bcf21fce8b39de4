// Fidelity through the real product: the SDK on framework-built apps (React, Vue, Lit web
// components with open shadow roots and adopted stylesheets), the server's relay, and the agent
// console's replica. After every user step the visible text of page and replica (shadow roots
// included) must match, with the agent watching from the start or joining late; screenshots of
// page and replica are kept for a person to compare.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { appScenarios } from './harness/app-scenarios.ts';
import { compareMaskedText } from './harness/text-compare.ts';
import { screenshotsDir, startTandemStack, waitForEvent, type TandemStack } from './harness/tandem-stack.ts';
import { tandemUi } from './harness/tandem-ui.ts';

// Visible text through open shadow roots and same-origin iframes; a string so the page runs
// exactly this code. `doc` is the document to read.
const VISIBLE_TEXT = `(doc) => {
  const SKIP = new Set(['script', 'style', 'noscript', 'template', 'textarea', 'select', 'option', 'head', 'tandem-ui']);
  const out = [];
  const walk = (node) => {
    if (node.nodeType === 3) {
      const parent = node.parentElement;
      const text = (node.textContent || '').replace(/\\s+/g, ' ').trim();
      if (text && parent && parent.checkVisibility({ visibilityProperty: true, opacityProperty: true })) out.push(text);
      return;
    }
    if (node.nodeType === 1) {
      if (SKIP.has(node.localName)) return;
      if (node.shadowRoot) for (const c of node.shadowRoot.childNodes) walk(c);
      if (node.localName === 'iframe') {
        let d = null;
        try { d = node.contentDocument; } catch (e) { d = null; }
        if (d && d.body) walk(d.body);
        return;
      }
    }
    for (const c of node.childNodes) walk(c);
  };
  if (doc.body) walk(doc.body);
  return out.join(' ');
}`;

const pageText = (page: Page) => page.evaluate(`(${VISIBLE_TEXT})(document)`) as Promise<string>;
const replicaText = (console: Page) =>
  console.evaluate(`(() => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
    const iframe = layers && layers[layers.length - 1];
    return iframe && iframe.contentDocument ? (${VISIBLE_TEXT})(iframe.contentDocument) : '';
  })()`) as Promise<string>;

/** Waits until the replica's text matches the page's (the replica trails by a frame or two). */
async function sameText(page: Page, console: Page, label: string) {
  const end = Date.now() + 8_000;
  let last = compareMaskedText('', '');
  while (Date.now() < end) {
    last = compareMaskedText(await pageText(page), await replicaText(console));
    if (last.same) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`after "${label}" the replica differs from the page: ${last.mismatches.slice(0, 6).join(' | ')}`);
}

let stack: TandemStack;
// Runs per app and join time: one in the suite (every cell, 6 runs); FIDELITY_RUNS=10 repeats
// them, as the 140-run survey did, and `e2e/fidelity-report.ts` counts many runs without the console.
const RUNS = Math.max(1, Number(process.env.FIDELITY_RUNS ?? 1) || 1);

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

for (const scenario of appScenarios) {
  describe(`console replica of ${scenario.name}`, () => {
    for (const join of ['early', 'late'] as const) {
      for (let run = 1; run <= RUNS; run++) {
        test(`agent joins ${join}, run ${run}`, async () => {
          const call = await stack.call();
          stack.shop.setCustomer(call.customerId);
          const customerContext = await stack.browser.newContext({ viewport: { width: 1100, height: 760 } });
          const agentContext = await stack.browser.newContext({ viewport: { width: 1440, height: 900 } });
          try {
            const page = await customerContext.newPage();
            const consolePage = await agentContext.newPage();
            await page.goto(stack.shop.url(scenario.path));
            await page.getByText(scenario.renderedText).first().waitFor();
            await page.waitForFunction(() => !Array.isArray((window as unknown as { Tandem: unknown }).Tandem));
            const ui = await tandemUi(page);
            const token = (await stack.server.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body;
            if (join === 'early') await consolePage.goto(token.consoleUrl);
            await stack.server.api('POST', '/v1/invites', { conversationId: call.id });
            await ui.waitFor('dialog [data-action="accept"]');
            await page.waitForTimeout(450);
            await ui.click('dialog [data-action="accept"]');
            await waitForEvent(stack.server, call.id, 'session.started');
            const lateSteps = join === 'late' ? 2 : 0;
            for (const step of scenario.steps.slice(0, lateSteps)) await step.run(page);
            if (join === 'late') await consolePage.goto(token.consoleUrl);
            await sameText(page, consolePage, join === 'late' ? 'agent joined' : 'shared');
            for (const step of scenario.steps.slice(lateSteps)) {
              await step.run(page);
              await sameText(page, consolePage, step.label);
            }
            if (run === 1 && join === 'late') {
              await page.screenshot({ path: join_(`fidelity-console-${scenario.name}-page.png`) });
              await consolePage.screenshot({ path: join_(`fidelity-console-${scenario.name}-console.png`) });
            }
          } finally {
            await customerContext.close();
            await agentContext.close();
          }
        });
      }
    }
  });
}

function join_(name: string) {
  return join(screenshotsDir, name);
}
