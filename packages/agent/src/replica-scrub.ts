// Removes from the customer's stream whatever could run script or navigate the replica, before
// rrweb sees it. The replica iframe's sandbox (no allow-scripts) is what stops scripts; this is
// the second wall, because the stream comes from a browser we do not control and anyone can send
// hand-made frames: `<script>` bodies, `on*` handlers, `javascript:` URLs, `srcdoc` documents and
// `<meta http-equiv=refresh>` (which would navigate the replica to a page of the sender's choosing).
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { eventWithTime, serializedNodeWithId } from '@rrweb/types';

const URL_ATTRIBUTES = new Set([
  'href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'ping', 'codebase', 'cite', 'rr_src',
]);
const DROPPED_ATTRIBUTES = new Set(['srcdoc', 'http-equiv']);
// Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
const SCHEME_NOISE = /[\u0000-\u0020\u007f]+/g;
const DANGEROUS_URL = /^(?:javascript|vbscript):|^data:(?:text\/html|application\/xhtml|image\/svg)/i;

function isDangerous(name: string, value: unknown): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('on') || DROPPED_ATTRIBUTES.has(lower)) return true;
  return URL_ATTRIBUTES.has(lower) && typeof value === 'string' && DANGEROUS_URL.test(value.replace(SCHEME_NOISE, ''));
}

function scrubAttributes(attributes: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (isDangerous(name, value)) delete attributes[name];
  }
}

function scrubNode(node: serializedNodeWithId): void {
  if (node.type === NodeType.Element) {
    if (node.tagName.toLowerCase() === 'script') {
      // Kept as an inert element so later mutations that name its id still find a node.
      node.tagName = 'noscript';
      node.attributes = {};
      node.childNodes = [];
      return;
    }
    scrubAttributes(node.attributes);
  }
  if (node.type === NodeType.Element || node.type === NodeType.Document) {
    for (const child of node.childNodes) scrubNode(child);
  }
}

/** Makes the event harmless in place. */
export function scrubEvent(event: eventWithTime): void {
  if (event.type === EventType.FullSnapshot) {
    scrubNode(event.data.node);
    return;
  }
  if (event.type !== EventType.IncrementalSnapshot || event.data.source !== IncrementalSource.Mutation) return;
  for (const added of event.data.adds) scrubNode(added.node);
  for (const change of event.data.attributes) scrubAttributes(change.attributes);
}
