// A second pass over each rrweb event before it leaves rrweb, still in the customer's page.
// rrweb's own masking checks one node at a time with `closest()`, which stops at shadow roots and
// iframe documents, keeps an input's `value` attribute when its live value is empty, and emits a
// textarea's or option's text as page text. This pass re-derives every such decision from the real
// DOM node (through rrweb's mirror) so those gaps cannot carry a value out.
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type {
  addedNodeMutation,
  attributeMutation,
  eventWithTime,
  serializedNodeWithId,
  textMutation,
} from '@rrweb/types';
import {
  BLOCK_ATTRIBUTE,
  composedParent,
  isInBlockedRegion,
  isInMaskedRegion,
  MASK_TEXT_SELECTOR,
  mayShowValue,
  maskText,
  maskValue,
  notePasswordField,
} from './mask-policy.ts';

export interface NodeLookup {
  getNode(id: number): Node | null;
}

const VALUE_FIELDS = new Set(['input', 'textarea', 'select', 'option']);
const UNMASKED_BUTTON_TYPES = new Set(['button', 'submit', 'reset', 'image', 'checkbox', 'radio']);

interface WalkContext {
  masked: boolean;
  // the field whose value a text node is (textarea, option of a select), null for page copy
  valueOwner: Element | null;
}

function carriesValue(el: Element): boolean {
  if (el.localName !== 'input') return true;
  return !UNMASKED_BUTTON_TYPES.has((el as HTMLInputElement).type);
}

function sanitizeAttributes(el: Element | null, tagName: string, attributes: Record<string, unknown>): void {
  if (!VALUE_FIELDS.has(tagName) || !el) return;
  notePasswordField(el);
  const value = attributes['value'];
  if (typeof value === 'string' && carriesValue(el) && !mayShowValue(el)) {
    attributes['value'] = maskValue(value);
  }
}

function sanitizeNode(sn: serializedNodeWithId, ctx: WalkContext, mirror: NodeLookup): void {
  if (sn.type === NodeType.Text) {
    const showsValue = ctx.valueOwner !== null && mayShowValue(ctx.valueOwner);
    if (!sn.isStyle && (ctx.masked || (ctx.valueOwner !== null && !showsValue))) {
      sn.textContent = maskText(sn.textContent);
    }
    return;
  }
  if (sn.type !== NodeType.Element && sn.type !== NodeType.Document) return;
  let childCtx = ctx;
  if (sn.type === NodeType.Element) {
    const el = mirror.getNode(sn.id) as Element | null;
    sanitizeAttributes(el, sn.tagName, sn.attributes);
    // rrweb strips a blocked element down to class and size; the marker tells the viewer to draw
    // it as a box rather than leave an unexplained gap.
    if ('rr_width' in sn.attributes) sn.attributes[BLOCK_ATTRIBUTE] = '';
    // Ancestors were decided by the caller, so only this element's own attributes matter here.
    const masked = ctx.masked || (el !== null && el.nodeType === Node.ELEMENT_NODE && el.matches(MASK_TEXT_SELECTOR));
    const valueOwner = sn.tagName === 'textarea' || sn.tagName === 'option' ? el : ctx.valueOwner;
    childCtx = { masked, valueOwner };
  }
  for (const child of sn.childNodes) sanitizeNode(child, childCtx, mirror);
}

function contextOf(parent: Node | null): WalkContext {
  if (!parent) return { masked: true, valueOwner: null };
  const el = parent.nodeType === Node.ELEMENT_NODE ? (parent as Element) : null;
  const owner = el && (el.localName === 'textarea' || el.localName === 'option') ? el : null;
  return { masked: isInMaskedRegion(parent), valueOwner: owner };
}

function sanitizeAdd(add: addedNodeMutation, mirror: NodeLookup): boolean {
  const parent = mirror.getNode(add.parentId);
  if (parent && isInBlockedRegion(parent)) return false;
  sanitizeNode(add.node, contextOf(parent), mirror);
  return true;
}

function sanitizeText(text: textMutation, mirror: NodeLookup): boolean {
  const node = mirror.getNode(text.id);
  if (!node) return false;
  if (isInBlockedRegion(node)) return false;
  if (text.value === null) return true;
  const parent = composedParent(node);
  const ctx = contextOf(parent);
  const owner = ctx.valueOwner;
  if (ctx.masked || (owner !== null && !mayShowValue(owner))) text.value = maskText(text.value);
  return true;
}

function sanitizeAttributeMutation(mutation: attributeMutation, mirror: NodeLookup): boolean {
  const node = mirror.getNode(mutation.id);
  if (!node || node.nodeType !== Node.ELEMENT_NODE) return node !== null;
  if (isInBlockedRegion(node)) return false;
  const el = node as Element;
  sanitizeAttributes(el, el.localName, mutation.attributes);
  return true;
}

// Mutates and returns the event; only called on events rrweb has just built for us.
export function sanitizeEvent(event: eventWithTime, mirror: NodeLookup): eventWithTime {
  if (event.type === EventType.FullSnapshot) {
    sanitizeNode(event.data.node, { masked: false, valueOwner: null }, mirror);
    return event;
  }
  if (event.type !== EventType.IncrementalSnapshot) return event;
  const data = event.data;
  if (data.source === IncrementalSource.Mutation) {
    data.adds = data.adds.filter((add) => sanitizeAdd(add, mirror));
    data.texts = data.texts.filter((text) => sanitizeText(text, mirror));
    data.attributes = data.attributes.filter((attr) => sanitizeAttributeMutation(attr, mirror));
  } else if (data.source === IncrementalSource.Input) {
    const node = mirror.getNode(data.id);
    const el = node && node.nodeType === Node.ELEMENT_NODE ? (node as Element) : null;
    if (!el || (carriesValue(el) && !mayShowValue(el))) data.text = maskValue(data.text);
  }
  return event;
}
