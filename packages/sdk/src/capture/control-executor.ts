// Runs an agent's control command on the customer's page, only after the customer's second
// consent. Targets are rrweb node ids, resolved through the record mirror to the live node. The
// agent may not type into anything the agent cannot see (masked fields: passwords, payment
// fields, every input not opted in with data-tandem-unmask), nor act inside blocked regions or
// on Tandem's own prompts.
import type { ControlCommand } from '@tandem/protocol';
import { isInBlockedRegion, mayShowValue } from './mask-policy.ts';

export type ControlOutcome = { ok: true } | { ok: false; error: string };

interface NodeLookup {
  getNode(id: number): Node | null;
}

const TEXT_INPUT = /^(text|search|email|url|tel|number|date|time|datetime-local|month|week|password)$/;

function target(mirror: NodeLookup, nodeId: number): Element | string {
  const node = mirror.getNode(nodeId);
  if (!node || !node.isConnected) return 'node_not_found';
  const el = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  if (!el) return 'node_not_found';
  if (el.closest('[data-tandem-ui]')) return 'not_allowed';
  if (isInBlockedRegion(el)) return 'blocked_region';
  return el;
}

function isEditable(el: Element): el is HTMLInputElement | HTMLTextAreaElement | HTMLElement {
  if (el.localName === 'textarea') return true;
  if (el.localName === 'input') return TEXT_INPUT.test((el as HTMLInputElement).type);
  return (el as HTMLElement).isContentEditable;
}

function setFieldValue(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  // The prototype's setter, not the element's own property: frameworks that track the value on
  // the element (React) then see the change and fire their change handlers.
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
}

function mouse(el: Element, type: string, x: number, y: number) {
  const init = { bubbles: true, cancelable: true, composed: true, clientX: x, clientY: y, button: 0, view: window };
  el.dispatchEvent(type.startsWith('pointer') ? new PointerEvent(type, { ...init, pointerType: 'mouse', isPrimary: true }) : new MouseEvent(type, init));
}

export function executeControl(command: ControlCommand, mirror: NodeLookup): ControlOutcome {
  if (command.action === 'scroll') {
    if (command.nodeId === undefined) {
      window.scrollTo(command.x, command.y);
      return { ok: true };
    }
    const el = target(mirror, command.nodeId);
    if (typeof el === 'string') return { ok: false, error: el };
    el.scrollTo(command.x, command.y);
    return { ok: true };
  }
  const el = target(mirror, command.nodeId);
  if (typeof el === 'string') return { ok: false, error: el };
  const html = el as HTMLElement;

  switch (command.action) {
    case 'click': {
      html.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      const x = command.x !== undefined ? command.x - scrollX : r.left + r.width / 2;
      const y = command.y !== undefined ? command.y - scrollY : r.top + r.height / 2;
      mouse(el, 'pointerdown', x, y);
      mouse(el, 'mousedown', x, y);
      html.focus?.({ preventScroll: true });
      mouse(el, 'pointerup', x, y);
      mouse(el, 'mouseup', x, y);
      html.click();
      return { ok: true };
    }
    case 'type': {
      if (!isEditable(el)) return { ok: false, error: 'not_editable' };
      if (!mayShowValue(el)) return { ok: false, error: 'masked_field' };
      html.focus({ preventScroll: true });
      if (el.localName === 'input' || el.localName === 'textarea') {
        const field = el as HTMLInputElement | HTMLTextAreaElement;
        setFieldValue(field, field.value + command.text);
      } else {
        html.append(command.text);
      }
      el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: command.text }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return { ok: true };
    }
    case 'key': {
      const key = command.key;
      const editsValue = key === 'Backspace' || key === 'Delete';
      if (editsValue && isEditable(el) && !mayShowValue(el)) return { ok: false, error: 'masked_field' };
      const init = { key, bubbles: true, cancelable: true, composed: true };
      const proceed = el.dispatchEvent(new KeyboardEvent('keydown', init));
      if (proceed && key === 'Backspace' && (el.localName === 'input' || el.localName === 'textarea')) {
        const field = el as HTMLInputElement;
        setFieldValue(field, field.value.slice(0, -1));
        el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContentBackward' }));
      }
      if (proceed && key === 'Enter' && el.localName === 'input') (el as HTMLInputElement).form?.requestSubmit();
      el.dispatchEvent(new KeyboardEvent('keyup', init));
      return { ok: true };
    }
  }
}
