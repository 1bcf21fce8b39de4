// Accessibility checks for Tandem's customer UI in Chromium: axe-core, and the accessibility tree a
// screen reader reads.
//
// Tandem draws in a CLOSED shadow root, which axe-core cannot enter (it walks `element.shadowRoot`,
// null for a closed root). Before any page script runs, `openTandemShadowForAudit` makes the
// attachShadow call of the <tandem-ui> host, and only that one, create an OPEN root instead. Open
// and closed roots render, style, focus and expose to assistive technology identically; the mode
// only decides whether page scripts can reach in. So axe audits exactly what the customer sees
// and hears, while the tests still click with the real mouse and keyboard (trusted events).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export async function openTandemShadowForAudit(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init: ShadowRootInit) {
      return attach.call(this, this.localName === 'tandem-ui' ? { ...init, mode: 'open' } : init);
    };
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * axe-core over Tandem's UI only (the host and everything in its shadow root; `scope` names
 * another host, e.g. the agent's <tandem-console>).
 *
 * axe cannot work out the background of anything outside <body>, and Tandem's host sits on
 * <html> (so a page that replaces its body cannot take the prompt with it): axe reports every
 * text there as "incomplete" for colour contrast, never as passed or failed. For those, the
 * contrast is computed here the way axe does (its own colour functions), against the first opaque
 * background up the flat tree, with the ratio axe says the text needs; below it is a violation.
 */
// Plain JavaScript run in the page (kept as source so the test runner's transforms stay out of it).
const AUDIT = `async (tags, scope) => {
  const { Color, getContrast, flattenColors } = axe.commons.color;
  const parse = (css) => new Color().parseString(css);
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement || e.getRootNode().host || null) {
      const css = getComputedStyle(e).backgroundColor;
      // Empty: the element left the document since axe looked (a note that goes by itself).
      if (!css) break;
      const c = parse(css);
      if (c.alpha > 0) layers.push(c);
      if (c.alpha >= 1) break;
    }
    let bg = parse('#fff');
    for (const layer of layers.reverse()) bg = flattenColors(layer, bg);
    return bg;
  };
  const result = await axe.run({ include: [[scope]] }, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'], elementRef: true });
  const found = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  for (const rule of result.incomplete.filter((r) => r.id === 'color-contrast')) {
    const low = rule.nodes.filter((n) => {
      const needed = parseFloat((n.any[0] && n.any[0].data && n.any[0].data.expectedContrastRatio) || '');
      // No ratio asked for: text of symbols only (icons hidden from screen readers).
      if (!needed) return false;
      // Gone from the page since axe ran (the UI moved on): nothing left to read.
      if (!n.element || !n.element.isConnected) return false;
      const bg = background(n.element);
      return getContrast(bg, flattenColors(parse(getComputedStyle(n.element).color), bg)) < needed;
    });
    if (low.length) found.push({ id: rule.id, impact: 'serious', help: rule.help, targets: low.map((n) => JSON.stringify(n.target)) });
  }
  return found;
}`;

export async function axeTandemUi(page: Page, scope = 'tandem-ui'): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  return page.evaluate(`(${AUDIT})(${JSON.stringify(AXE_TAGS)}, ${JSON.stringify(scope)})`) as Promise<AxeViolation[]>;
}

export interface AxNode {
  role: string;
  name: string;
  focused: boolean;
}

interface RawAxNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
}

/** Chromium's accessibility tree (what a screen reader is given), unignored nodes only. */
export async function accessibilityTree(cdp: CDPSession): Promise<AxNode[]> {
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: RawAxNode[] };
  return nodes
    .filter((n) => !n.ignored)
    .map((n) => ({
      role: n.role?.value ?? '',
      name: n.name?.value ?? '',
      focused: !!n.properties?.some((p) => p.name === 'focused' && p.value.value === true),
    }));
}
