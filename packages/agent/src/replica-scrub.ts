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

// A snapshot of a large page is tens of thousands of nodes, scrubbed on the way to the agent's
// first look at it: plain loops, no per-node arrays.
function scrubAttributes(attributes: Record<string, unknown>): void {
  for (const name in attributes) {
    if (isDangerous(name, attributes[name])) delete attributes[name];
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
  } else if (node.type !== NodeType.Document) {
    return;
  }
  const children = node.childNodes;
  for (let i = 0; i < children.length; i++) scrubNode(children[i]!);
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
