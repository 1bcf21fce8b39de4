// The customer's page on screen before rrweb has touched it. A join's snapshot often arrives while
// the console is still busy (its code, rrweb above all, compiling and starting; bench: agent
// join): the snapshot's markup (replica-html.ts) is written into the replay frame at once, with
// the page's style sheets as the page had them, and the agent sees the page. rrweb then takes
// over this same document in the frame it made (replica-parsed-build.ts): it maps its node ids onto the
// parsed nodes, replaces these plain style sheets with its own (which also show the customer's
// :hover), and adds what markup could not say (shadow roots, frames, canvases...). Nothing in
// the frame runs or loads: it is sandboxed like every replica and the markup is the scrubbed,
// asset-rewritten snapshot the replica is built from.
import { NodeType } from '@rrweb/types';
import type { serializedNodeWithId } from '@rrweb/types';
import { defineCustomElements, planParsedBuild, sheetOf } from './replica-html.ts';
import type { ParsedBuildPlan } from './replica-html.ts';

/** What was shown, for rrweb to take over: the snapshot it came from and what it added to it. */
export interface FirstView {
  root: serializedNodeWithId;
  plan: ParsedBuildPlan;
  /** The plain style elements, which rrweb replaces with its own. */
  styles: HTMLStyleElement[];
}

// What rrweb adds after the parse is left out of the first view (style sheets are shown as the
// page had them). Frames, shadow roots, canvases and dialogs would be missing from it and then
// appear under the agent's eyes, and a frame's page arrives in changes of its own: a snapshot with
// any of them is built by rrweb at once, as before. (Scripts, head metadata and the few nodes a
// script put where markup cannot are invisible or small; they come with the takeover.) A picture
// no rrweb takes over (early-view.ts) shows frames and canvases as empty boxes instead
// (replica-html.ts, PICTURE_BOXES): they never reach this check there.
const BUILT_FIRST_BY_RRWEB = new Set(['iframe', 'frame', 'canvas', 'dialog', 'object', 'embed']);

function shownWithout(n: serializedNodeWithId): boolean {
  if (n.type !== NodeType.Element) return true;
  if (n.isShadowHost || n.isShadow || BUILT_FIRST_BY_RRWEB.has(n.tagName)) return false;
  return n.childNodes.every(shownWithout);
}

/** The page's style sheets in document order (rrweb inlines a readable linked sheet as _cssText). */
function styleSheets(root: serializedNodeWithId): { css: string; media: string | null }[] {
  const sheets: { css: string; media: string | null }[] = [];
  // A shadow root's nodes and a frame's document are passed over below: every sheet here is the page's.
  const walk = (n: serializedNodeWithId): void => {
    if (n.type !== NodeType.Document && n.type !== NodeType.Element) return;
    // A shadow root's sheets are its own (a picture writes them inside it: replica-html.ts).
    if (n.isShadow) return;
    if (n.type === NodeType.Element) {
      // A frame's own document (a picture shows the frame as an empty box): its sheets are not the page's.
      if (n.tagName === 'iframe' || n.tagName === 'frame') return;
      const sheet = sheetOf(n);
      if (sheet) return void sheets.push(sheet);
    }
    for (const c of n.childNodes) walk(c);
  };
  walk(root);
  return sheets;
}

/**
 * Writes the snapshot into the frame's document. Null when its markup cannot be planned (rrweb
 * then builds it its own way) or the frame has no document.
 */
export function showFirstView(
  iframe: HTMLIFrameElement, root: serializedNodeWithId, size: { width: number; height: number } | null, options: { picture?: boolean } = {},
): FirstView | null {
  const doc = iframe.contentDocument;
  if (!doc) return null;
  // A picture is never taken over by rrweb: its elements say which of rrweb's sizes is theirs.
  const plan = planParsedBuild(root, { forPicture: options.picture === true });
  if (!plan || !plan.adds.every((add) => shownWithout(add.node))) return null;
  if (size) {
    // As rrweb sizes its frame from the page's viewport (its handleResize).
    iframe.setAttribute('width', String(size.width));
    iframe.setAttribute('height', String(size.height));
    iframe.style.display = 'inherit';
  }
  doc.open();
  if (!defineCustomElements(doc, plan.customTags)) {
    doc.close();
    return null;
  }
  doc.write(plan.html);
  doc.close();
  const styles: HTMLStyleElement[] = [];
  const head = doc.head ?? doc.documentElement;
  if (head) {
    for (const sheet of styleSheets(root)) {
      const style = doc.createElement('style');
      if (sheet.media) style.media = sheet.media;
      style.textContent = sheet.css;
      head.append(style);
      styles.push(style);
    }
  }
  // rrweb's sizes for canvases and blocked elements (plan.sizes) are set when rrweb takes over.
  return { root, plan, styles };
}
