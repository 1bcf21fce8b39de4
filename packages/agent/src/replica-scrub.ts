// Removes from the customer's stream whatever could run script, navigate the replica or make the
// agent's browser fetch a document of the sender's choosing, before rrweb sees it. The replica
// iframe's sandbox (no allow-scripts) is what stops scripts; the console page's CSP stops most
// fetches, but a desk that embeds <tandem-console> may have no CSP at all, so this is the wall
// that holds everywhere, because the stream comes from a browser we do not control and anyone
// can send hand-made frames:
// - `<script>` bodies, `on*` handlers, `javascript:` URLs, `srcdoc` documents;
// - elements that load a document or a plugin (`iframe`, `frame`, `object`, `embed`, ...): they
//   keep only what their box needs, never a URL (the customer's same-origin frames arrive as
//   rrweb's inline copy of their document, which needs no URL);
// - `<base>` (would move every relative URL of the replica), every `<meta>` (refresh, CSP,
//   cookies, referrer policy: nothing in a meta is layout), and `<link>`s other than stylesheets
//   (prefetch, preload, prerender, preconnect, manifest, icon: fetches the picture does not need).
// Images, stylesheets, fonts and media of the customer's page stay: they are what the replica
// looks like. Attribute changes are judged by the element they land on, so the scrubber remembers
// the rrweb id of every element of those kinds for the life of one replica.
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type { attributeMutation, eventWithTime, serializedNodeWithId } from '@rrweb/types';

type Attributes = Record<string, unknown>;

const URL_ATTRIBUTES = new Set([
  'href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'ping', 'codebase', 'cite', 'rr_src',
]);
const DROPPED_ATTRIBUTES = new Set(['srcdoc', 'http-equiv']);
// Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
const SCHEME_NOISE = /[\u0000-\u0020\u007f]+/g;
const DANGEROUS_URL = /^(?:javascript|vbscript):|^data:(?:text\/html|application\/xhtml|image\/svg)/i;

const EMBEDDING_TAGS = new Set(['iframe', 'frame', 'object', 'embed', 'applet', 'portal', 'fencedframe']);
// What an embedding element keeps: its box and its names for the agent's tools, nothing it loads.
export const EMBEDDING_KEEPS =
  /^(?:id|class|style|width|height|title|hidden|dir|lang|role|tabindex|align|border|hspace|vspace|frameborder|scrolling|rr_width|rr_height|rr_scrolltop|rr_scrollleft)$|^aria-|^data-(?!$)/;
// Elements none of whose attributes the replica needs: everything they can say is a fetch,
// a navigation or a policy.
const SILENCED_TAGS = new Set(['base', 'meta']);

type Kind = 'embedding' | 'silenced' | 'link';

function kindOf(tagName: string): Kind | null {
  const tag = tagName.toLowerCase();
  if (EMBEDDING_TAGS.has(tag)) return 'embedding';
  if (SILENCED_TAGS.has(tag)) return 'silenced';
  return tag === 'link' ? 'link' : null;
}

function isDangerous(name: string, value: unknown): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith('on') || DROPPED_ATTRIBUTES.has(lower)) return true;
  return URL_ATTRIBUTES.has(lower) && typeof value === 'string' && DANGEROUS_URL.test(value.replace(SCHEME_NOISE, ''));
}

/** A link the replica may follow: a stylesheet, and only that (`alternate stylesheet` included). */
function isStylesheet(rel: unknown): boolean {
  if (typeof rel !== 'string') return false;
  const tokens = rel.toLowerCase().split(/\s+/).filter(Boolean);
  return tokens.includes('stylesheet') && tokens.every((t) => t === 'stylesheet' || t === 'alternate');
}

// A link's URL-bearing attributes: dropped unless the link is a stylesheet.
const LINK_FETCHES = ['href', 'imagesrcset', 'imagesizes'];

export class ReplicaScrubber {
  // rrweb id -> what the element is, for elements whose attribute changes need judging; and the
  // current `rel` of each link.
  private readonly kinds = new Map<number, Kind>();
  private readonly linkRels = new Map<number, unknown>();

  /** Makes the event harmless in place. */
  scrub(event: eventWithTime): void {
    if (event.type === EventType.FullSnapshot) {
      // A full snapshot starts a new document: ids from before mean nothing now.
      this.kinds.clear();
      this.linkRels.clear();
      this.scrubNode(event.data.node);
      return;
    }
    if (event.type !== EventType.IncrementalSnapshot || event.data.source !== IncrementalSource.Mutation) return;
    for (const added of event.data.adds) this.scrubNode(added.node);
    for (const change of event.data.attributes) this.scrubChange(change);
  }

  // A snapshot of a large page is tens of thousands of nodes, scrubbed on the way to the agent's
  // first look at it: plain loops, no per-node arrays.
  private scrubNode(node: serializedNodeWithId): void {
    if (node.type === NodeType.Element) {
      if (node.tagName.toLowerCase() === 'script') {
        // Kept as an inert element so later mutations that name its id still find a node.
        node.tagName = 'noscript';
        node.attributes = {};
        node.childNodes = [];
        return;
      }
      const kind = kindOf(node.tagName);
      if (kind) {
        this.kinds.set(node.id, kind);
        if (kind === 'link') this.linkRels.set(node.id, node.attributes['rel']);
      }
      this.scrubAttributes(node.attributes, kind, node.id);
    } else if (node.type !== NodeType.Document) {
      return;
    }
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) this.scrubNode(children[i]!);
  }

  private scrubChange(change: attributeMutation): void {
    const kind = this.kinds.get(change.id) ?? null;
    if (kind === 'link' && 'rel' in change.attributes) this.linkRels.set(change.id, change.attributes['rel']);
    this.scrubAttributes(change.attributes, kind, change.id);
  }

  private scrubAttributes(attributes: Attributes, kind: Kind | null, id: number): void {
    for (const name in attributes) {
      if (isDangerous(name, attributes[name])) delete attributes[name];
      else if (kind === 'silenced' || (kind === 'embedding' && !EMBEDDING_KEEPS.test(name.toLowerCase()))) delete attributes[name];
    }
    if (kind === 'link' && !isStylesheet(this.linkRels.get(id))) {
      // Null removes the attribute in the replica: a link that stops being a stylesheet must not
      // keep the URL it had as one.
      for (const name of LINK_FETCHES) if (name in attributes || 'rel' in attributes) attributes[name] = null;
    }
  }
}
