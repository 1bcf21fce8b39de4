// A second pass over each rrweb event before it leaves rrweb, still in the customer's page.
// rrweb's own masking checks one node at a time with `closest()`, which stops at shadow roots,
// slots and iframe documents, masks only text (never attributes) inside a masked element, knows
// editable regions only by the contenteditable attribute, sends checkbox and radio values as they
// are, and emits a textarea's, option's or output's text as page text. This pass re-derives every
// decision from the real DOM node (through rrweb's mirror) and the rules in mask-policy.ts, so
// none of those gaps can carry a value out.
import { EventType, IncrementalSource, NodeType } from '@rrweb/types';
import type {
  addedNodeMutation,
  adoptedStyleSheetData,
  attributeMutation,
  eventWithTime,
  serializedNodeWithId,
  styleDeclarationData,
  styleSheetRuleData,
  textMutation,
} from '@rrweb/types';
import {
  BLOCK_ATTRIBUTE,
  mayShowValue,
  maskText,
  maskValue,
  notePasswordField,
  isValueTextTag,
  RegionCache,
  valueOwnerAbove,
  watchTyping,
} from './mask-policy.ts';
import type { Region } from './mask-policy.ts';
import { drawsCssString, dropNonPageAttributes, keepLayoutAttributes, maskCssStrings, maskCssValueStrings } from './masked-attributes.ts';
import type { Attributes } from './masked-attributes.ts';
import { factsOf } from './element-facts.ts';

export interface NodeLookup {
  getNode(id: number): Node | null;
}

// An unknown node (not in the mirror) is treated as masked: nothing is shown on a guess.
const UNKNOWN_REGION: Region = { masked: true, blocked: false };

// A value is a value whether a form field or a custom widget (a slider, a spin button) holds it.
const VALUE_ATTRIBUTES = ['value', 'aria-valuetext', 'aria-valuenow'];

// Input types whose value is their visible label, page copy like a button's text.
const LABEL_VALUE_TYPES = new Set(['submit', 'reset', 'button']);

interface Pass {
  mirror: NodeLookup;
  regions: RegionCache;
}

function asElement(node: Node | null): Element | null {
  return node && node.nodeType === Node.ELEMENT_NODE ? (node as Element) : null;
}

// Every element's `value` is a value (a checkbox's saved-card id, a button's submitted choice, a
// <data> machine value, an option's key), except an input button's label and a list item's number.
function valueIsPageCopy(el: Element): boolean {
  if (el.localName === 'li') return true;
  return el.localName === 'input' && LABEL_VALUE_TYPES.has((el as HTMLInputElement).type);
}

function sanitizeAttributes(el: Element | null, tagName: string, attributes: Attributes, region: Region, pass: Pass): void {
  const liveKind = tagName === 'meta' ? el?.getAttribute('name') : tagName === 'link' ? el?.getAttribute('rel') : null;
  dropNonPageAttributes(tagName, attributes, liveKind ?? null);
  if (!el || region.masked) {
    keepLayoutAttributes(tagName, attributes, el ? factsOf(el) : {}, maskValue);
    return;
  }
  if (tagName === 'input') notePasswordField(el);
  for (const name of VALUE_ATTRIBUTES) {
    const value = attributes[name];
    if (typeof value !== 'string' || (name === 'value' && valueIsPageCopy(el))) continue;
    if (!mayShowValue(el, pass.regions)) attributes[name] = maskValue(value);
  }
  const label = attributes['label'];
  if (typeof label === 'string' && (tagName === 'option' || tagName === 'optgroup') && !mayShowValue(el, pass.regions)) {
    attributes['label'] = maskText(label);
  }
  // rrweb leaves out which option is chosen whenever selects are masked at all (its
  // maskInputOptions, which are ours), so a snapshot showed an opted-in select at its first
  // option until the customer chose again. Its choice is its value: shown where that may be.
  // (By name, not instanceof: an option in a same-origin frame is that frame's HTMLOptionElement.)
  if (tagName === 'option' && typeof (el as HTMLOptionElement).selected === 'boolean' && mayShowValue(el, pass.regions)) {
    if ((el as HTMLOptionElement).selected) attributes['selected'] = true;
    else delete attributes['selected'];
  }
}

// Input types that never hold a typed value (their `value` is a label or a key) or a tick.
const NO_TYPED_VALUE = new Set(['submit', 'reset', 'button', 'image', 'file', 'checkbox', 'radio']);

/**
 * A field's state as the customer sees it, in a serialised field (a snapshot, an added node).
 * rrweb writes a field's live value only when it is not empty and its tick only when it is
 * ticked; otherwise the element's default stays: a field the customer emptied showed its default
 * text, a textarea its default content, and a box they unticked (one ticked by default) showed
 * ticked, in every replica built from a later snapshot (a late agent's, a drift check's).
 * (By property, not instanceof: a field in a same-origin frame is that frame's element.)
 */
function liveFieldState(el: Element, tagName: string, attributes: Attributes): void {
  if (tagName === 'textarea') {
    if ((el as HTMLTextAreaElement).value === '') attributes['value'] = '';
    return;
  }
  if (tagName !== 'input') return;
  const field = el as HTMLInputElement;
  if (field.type === 'checkbox' || field.type === 'radio') {
    if (field.checked) attributes['checked'] = true;
    else delete attributes['checked'];
  } else if (!NO_TYPED_VALUE.has(field.type) && field.value === '') {
    attributes['value'] = '';
  }
}

function regionOrUnknown(node: Node | null, pass: Pass): Region {
  return node ? pass.regions.regionOf(node) : UNKNOWN_REGION;
}

interface WalkContext {
  region: Region;
  /** the parent is a shadow host: its light children may be slotted elsewhere */
  parentIsHost: boolean;
  /** the field whose value the text below is (textarea, option, output), or null */
  valueOwner: Element | null;
  /** whether the current document or shadow root has styles that could make elements editable */
  scopeMayEdit: boolean | undefined;
}

function sanitizeNode(sn: serializedNodeWithId, ctx: WalkContext, pass: Pass): void {
  const isElement = sn.type === NodeType.Element || sn.type === NodeType.Document;
  // Only the children of a shadow host can be slotted somewhere other than their parent, so only
  // they need the DOM walk; everything else derives its region from its parent's, in one step.
  const node = isElement || ctx.parentIsHost ? pass.mirror.getNode(sn.id) : null;
  let scopeMayEdit = ctx.scopeMayEdit;
  if (node && sn.type === NodeType.Document) scopeMayEdit = pass.regions.scopeMayEdit(node as Document);
  let region = ctx.region;
  if (node) region = ctx.parentIsHost ? pass.regions.regionOf(node) : pass.regions.derive(node, ctx.region, scopeMayEdit);
  else if (isElement) region = UNKNOWN_REGION;
  if (sn.type === NodeType.Text) {
    const isValue = ctx.valueOwner !== null && !mayShowValue(ctx.valueOwner, pass.regions);
    if (sn.isStyle) {
      if (region.masked) sn.textContent = maskCssStrings(sn.textContent, maskText);
    } else if (region.masked || isValue) {
      sn.textContent = maskText(sn.textContent);
    }
    return;
  }
  // Comments are never drawn, and server-rendered pages leave debug data (ids, tokens) in them.
  if (sn.type === NodeType.Comment) {
    sn.textContent = '';
    return;
  }
  if (!isElement) return;
  // A same-origin iframe's document: typing into it (designMode, editable styles) must be seen too.
  if (sn.type === NodeType.Document && node) watchTyping(node as Document);
  const child: WalkContext = { region, parentIsHost: false, valueOwner: ctx.valueOwner, scopeMayEdit };
  let shadowScopeMayEdit: boolean | undefined;
  if (sn.type === NodeType.Element) {
    const el = asElement(node);
    // Before the masking below: an emptied field's value is empty whether shown or masked. A masked
    // region's fields stay as its own rules leave them.
    if (el && !region.masked) liveFieldState(el, sn.tagName, sn.attributes as Attributes);
    sanitizeAttributes(el, sn.tagName, sn.attributes as Attributes, region, pass);
    // rrweb strips a blocked element down to class and size; the marker tells the viewer to draw
    // it as a box rather than leave an unexplained gap (a masked picture is drawn the same way).
    if ('rr_width' in sn.attributes) sn.attributes[BLOCK_ATTRIBUTE] = '';
    if (el && isValueTextTag(sn.tagName)) child.valueOwner = el;
    child.parentIsHost = sn.isShadowHost === true;
    if (child.parentIsHost && el?.shadowRoot) shadowScopeMayEdit = pass.regions.scopeMayEdit(el.shadowRoot);
  }
  const shadowChild: WalkContext = { ...child, scopeMayEdit: shadowScopeMayEdit };
  // rrweb lists a host's shadow-root children among its own, flagged isShadow.
  for (const c of sn.childNodes) sanitizeNode(c, c.isShadow ? shadowChild : child, pass);
}

function sanitizeAdd(add: addedNodeMutation, pass: Pass): boolean {
  const parent = pass.mirror.getNode(add.parentId);
  const region = regionOrUnknown(parent, pass);
  if (region.blocked) return false;
  // The added node may itself be slotted: resolve its region from the DOM, not from the parent.
  sanitizeNode(add.node, { region, parentIsHost: true, valueOwner: parent ? valueOwnerAbove(parent) : null, scopeMayEdit: undefined }, pass);
  return true;
}

function sanitizeText(text: textMutation, pass: Pass): boolean {
  const node = pass.mirror.getNode(text.id);
  if (!node) return false;
  const region = pass.regions.regionOf(node);
  if (region.blocked) return false;
  if (text.value === null) return true;
  if (node.nodeType === Node.COMMENT_NODE) {
    text.value = '';
    return true;
  }
  // A script's body is never sent (rrweb replaces it in snapshots; a later change must not undo that).
  if (node.parentElement?.localName === 'script') return false;
  if (node.parentElement?.localName === 'style') {
    if (region.masked) text.value = maskCssStrings(text.value, maskText);
    return true;
  }
  const owner = valueOwnerAbove(node);
  if (region.masked || (owner !== null && !mayShowValue(owner, pass.regions))) text.value = maskText(text.value);
  return true;
}

function sanitizeAttributeMutation(mutation: attributeMutation, pass: Pass): boolean {
  const el = asElement(pass.mirror.getNode(mutation.id));
  if (!el) return false;
  const region = pass.regions.regionOf(el);
  if (region.blocked) return false;
  sanitizeAttributes(el, el.localName, mutation.attributes as Attributes, region, pass);
  return Object.keys(mutation.attributes).length > 0;
}

function sanitizeInput(data: { id: number; text: string; isChecked: boolean }, pass: Pass): void {
  const el = asElement(pass.mirror.getNode(data.id));
  if (!el) {
    data.text = maskValue(data.text);
    return;
  }
  // Which box of a masked group is ticked is a choice, like a value.
  if (pass.regions.regionOf(el).masked) data.isChecked = false;
  if (valueIsPageCopy(el) || mayShowValue(el, pass.regions)) return;
  // A select's value masked to its length still chose, in the replica, the option whose text is
  // masked to the same length: which of a masked select's options the customer chose showed
  // ("DPD" among "Royal Mail", "DPD", "Evri"). It goes empty: the replica's copy chooses none.
  data.text = el.localName === 'select' ? '' : maskValue(data.text);
}

// Rules added or changed through the CSSOM (insertRule, replaceSync, style.setProperty on a rule,
// adopted sheets) bypass the DOM: their strings are masked by the region of the node that owns
// the sheet, and masked when no node owns it (a constructed sheet changed later): no guessing.
function sanitizeSheetRules(data: styleSheetRuleData, pass: Pass): void {
  const node = data.id === undefined ? null : pass.mirror.getNode(data.id);
  if (!regionOrUnknown(node, pass).masked) return;
  for (const add of data.adds ?? []) add.rule = maskCssStrings(add.rule, maskText);
  if (data.replace !== undefined) data.replace = maskCssStrings(data.replace, maskText);
  if (data.replaceSync !== undefined) data.replaceSync = maskCssStrings(data.replaceSync, maskText);
}

function sanitizeSheetDeclaration(data: styleDeclarationData, pass: Pass): void {
  const node = data.id === undefined ? null : pass.mirror.getNode(data.id);
  if (data.set?.value && drawsCssString(data.set.property) && regionOrUnknown(node, pass).masked) {
    data.set.value = maskCssValueStrings(data.set.value, maskText);
  }
}

function sanitizeAdoptedSheets(data: adoptedStyleSheetData, pass: Pass): void {
  if (!regionOrUnknown(pass.mirror.getNode(data.id), pass).masked) return;
  for (const style of data.styles ?? []) for (const r of style.rules) r.rule = maskCssStrings(r.rule, maskText);
}

// The page's address without query or fragment: those carry reset tokens, OAuth codes and
// search terms, and the replica needs neither.
function addressWithoutSecrets(href: string): string {
  try {
    const url = new URL(href);
    return url.origin + url.pathname;
  } catch {
    return '';
  }
}

// Mutates and returns the event; only called on events rrweb has just built for us.
export function sanitizeEvent(event: eventWithTime, mirror: NodeLookup): eventWithTime {
  // Computed styles are read for full snapshots only (see RegionCache).
  const pass: Pass = { mirror, regions: new RegionCache(event.type === EventType.FullSnapshot) };
  if (event.type === EventType.Meta) {
    event.data.href = addressWithoutSecrets(event.data.href);
    return event;
  }
  if (event.type === EventType.FullSnapshot) {
    const top = { region: { masked: false, blocked: false }, parentIsHost: false, valueOwner: null, scopeMayEdit: undefined };
    sanitizeNode(event.data.node, top, pass);
    return event;
  }
  if (event.type !== EventType.IncrementalSnapshot) return event;
  const data = event.data;
  if (data.source === IncrementalSource.Mutation) {
    data.adds = data.adds.filter((add) => sanitizeAdd(add, pass));
    data.texts = data.texts.filter((text) => sanitizeText(text, pass));
    data.attributes = data.attributes.filter((attr) => sanitizeAttributeMutation(attr, pass));
  } else if (data.source === IncrementalSource.Input) {
    sanitizeInput(data, pass);
  } else if (data.source === IncrementalSource.StyleSheetRule) {
    sanitizeSheetRules(data, pass);
  } else if (data.source === IncrementalSource.StyleDeclaration) {
    sanitizeSheetDeclaration(data, pass);
  } else if (data.source === IncrementalSource.AdoptedStyleSheet) {
    sanitizeAdoptedSheets(data, pass);
  }
  return event;
}

// Nothing of a cross-origin frame's page is in this page's mirror.
const NO_NODES: NodeLookup = { getNode: () => null };

/**
 * An event a cross-origin child frame recorded, and masked, in itself, as rrweb renumbered it
 * under the frame's <iframe> in this page. This page's rules for that element apply on top: a
 * blocked frame sends nothing, a frame in a masked region only boxes (every node unknown here is
 * masked). Only changes to the frame's tree and its input, scroll and pointer events pass: custom
 * events name nodes by ids rrweb does not renumber.
 */
export function sanitizeFramedEvent(event: eventWithTime, frame: Element): eventWithTime | null {
  if (event.type !== EventType.IncrementalSnapshot) return null;
  const region = new RegionCache().regionOf(frame);
  if (region.blocked) return null;
  return region.masked ? sanitizeEvent(event, NO_NODES) : event;
}
