// What a live element says about itself, for the masked-subtree allowlist: the parsed inline
// style (only valid declarations, never the raw attribute text), the control type the browser
// understood, and a replaced element's rendered box.
import { REPLACED_ELEMENTS } from './masked-attributes.ts';
import type { ElementFacts, StyleDeclaration } from './masked-attributes.ts';

function styleDeclarations(el: Element): StyleDeclaration[] {
  const style = (el as Partial<HTMLElement>).style;
  if (!style) return [];
  const declarations: StyleDeclaration[] = [];
  for (let i = 0; i < style.length; i++) {
    const name = style.item(i);
    declarations.push({ name, value: style.getPropertyValue(name), priority: style.getPropertyPriority(name) });
  }
  return declarations;
}

export function factsOf(el: Element): ElementFacts {
  const facts: ElementFacts = { declarations: styleDeclarations(el) };
  if (el.localName === 'input' || el.localName === 'button') facts.controlType = (el as HTMLInputElement).type;
  if (REPLACED_ELEMENTS.has(el.localName)) {
    const box = el.getBoundingClientRect();
    facts.box = { width: Math.round(box.width), height: Math.round(box.height) };
  }
  return facts;
}
