// A page for the capture rules' unit tests, in happy-dom (Node, no browser): the document, and an
// rrweb-shaped serialisation of it with the id mirror the sanitiser looks nodes up in. Rules that
// need a layout engine (computed styles, slot assignment, designMode) are covered in Chromium by
// the e2e masking suites instead.
import { Window } from 'happy-dom';
import { NodeType } from '@rrweb/types';
import type { serializedNodeWithId } from '@rrweb/types';
import type { NodeLookup } from '../src/capture/event-sanitizer.ts';

export interface TestPage {
  document: Document;
  window: Window;
  /** The page serialised as rrweb's full snapshot serialises it, ids from 1. */
  serialize(): serializedNodeWithId;
  /** Id → node, as rrweb's mirror. */
  mirror: NodeLookup;
  /** The id the last serialisation gave a node. */
  idOf(node: Node): number;
  close(): Promise<void>;
}

/** Opens `html` as the body of a page at https://shop.example.test/. */
export function openPage(html: string): TestPage {
  const window = new Window({ url: 'https://shop.example.test/account?token=secret#frag' });
  // The capture modules read the DOM constants and CSS.escape from the page's globals.
  const g = globalThis as Record<string, unknown>;
  g['Node'] ??= window.Node;
  g['CSS'] ??= (window as unknown as { CSS: unknown }).CSS;
  const document = window.document as unknown as Document;
  document.body.innerHTML = html;
  const byId = new Map<number, Node>();
  const ids = new Map<Node, number>();
  const idFor = (node: Node) => {
    let id = ids.get(node);
    if (id === undefined) {
      id = ids.size + 1;
      ids.set(node, id);
      byId.set(id, node);
    }
    return id;
  };
  const serializeNode = (node: Node, isShadow = false): serializedNodeWithId => {
    const id = idFor(node);
    const shadow = isShadow ? { isShadow: true } : {};
    if (node.nodeType === Node.DOCUMENT_NODE) {
      return { type: NodeType.Document, id, childNodes: [...node.childNodes].map((c) => serializeNode(c)), ...shadow };
    }
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      const attributes: Record<string, string> = {};
      for (const a of el.attributes) attributes[a.name] = a.value;
      const inShadow = el.shadowRoot ? [...el.shadowRoot.childNodes].map((c) => serializeNode(c, true)) : [];
      const childNodes = [...inShadow, ...[...el.childNodes].map((c) => serializeNode(c))];
      return { type: NodeType.Element, id, tagName: el.localName, attributes, childNodes, ...(el.shadowRoot ? { isShadowHost: true } : {}), ...shadow };
    }
    if (node.nodeType === Node.COMMENT_NODE) return { type: NodeType.Comment, id, textContent: node.textContent ?? '', ...shadow };
    if (node.nodeType === Node.DOCUMENT_TYPE_NODE) {
      return { type: NodeType.DocumentType, id, name: (node as DocumentType).name, publicId: '', systemId: '', ...shadow };
    }
    const isStyle = node.parentElement?.localName === 'style';
    return { type: NodeType.Text, id, textContent: node.textContent ?? '', ...(isStyle ? { isStyle: true } : {}), ...shadow };
  };
  return {
    document,
    window,
    serialize: () => serializeNode(document),
    mirror: { getNode: (id) => byId.get(id) ?? null },
    idOf: (node) => idFor(node),
    close: () => window.happyDOM.close(),
  };
}
