// The agent's pointer and highlight, drawn over the customer's page in the loader's closed shadow
// root (top layer, never intercepting the customer's clicks). Positions arrive in page
// coordinates and follow the customer's scrolling.
import { showInTopLayer } from '../loader/ui-host.ts';

interface NodeLookup {
  getNode(id: number): Node | null;
}

// The overlay's own look, added to the loader's shadow root by capture (the loader stays small;
// its `.layer` rule, earlier in the root, gives the base these build on).
const OVERLAY_CSS = `
.pointer{position:fixed;inset:0 auto auto 0;width:auto;height:auto;margin:0;padding:0;border:0;background:none;pointer-events:none;overflow:visible}
.pointer span{display:inline-block;margin:14px 0 0 2px;vertical-align:top;padding:2px 8px;border-radius:999px;background:#f79009;color:#fff;font-size:12px;
font-weight:600;white-space:nowrap}
.hl{position:fixed;inset:auto;margin:0;padding:0;border:3px solid #f79009;border-radius:6px;background:rgba(247,144,9,.12);pointer-events:none;
box-shadow:0 0 0 4px rgba(247,144,9,.25)}
`;

const POINTER_SVG =
  '<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true"><path d="M3 2l15 8.2-6.6 1.6L8.3 18z" fill="#f79009" stroke="#fff" stroke-width="1.6" ' +
    'stroke-linejoin="round"/></svg>';

export interface AgentOverlay {
  /** The agent's name, shown next to the pointer so the customer knows whose it is. */
  setAgentName(name: string): void;
  pointer(x: number, y: number, visible: boolean): void;
  highlight(nodeId: number | null): void;
  clear(): void;
  destroy(): void;
}

export function createAgentOverlay(root: ShadowRoot, mirror: NodeLookup): AgentOverlay {
  const arrow = document.createElement('div');
  arrow.className = 'layer pointer';
  arrow.setAttribute('popover', 'manual');
  arrow.setAttribute('data-layer', '');
  arrow.setAttribute('data-agent-pointer', '');
  arrow.innerHTML = POINTER_SVG;
  const label = document.createElement('span');
  arrow.append(label);
  arrow.hidden = true;
  const box = document.createElement('div');
  box.className = 'layer hl';
  box.setAttribute('popover', 'manual');
  box.setAttribute('data-agent-highlight', '');
  box.hidden = true;
  const style = document.createElement('style');
  style.textContent = OVERLAY_CSS;
  root.append(style, arrow, box);

  let at: { x: number; y: number } | null = null;
  let target: Element | null = null;
  let frame = 0;

  const place = () => {
    frame = 0;
    if (at) arrow.style.transform = `translate(${at.x - scrollX}px,${at.y - scrollY}px)`;
    if (target) {
      if (!target.isConnected) {
        target = null;
        box.hidden = true;
        return;
      }
      const r = target.getBoundingClientRect();
      Object.assign(box.style, { left: `${r.left - 4}px`, top: `${r.top - 4}px`, width: `${r.width + 8}px`, height: `${r.height + 8}px` });
      // The element may move (layout, animation): follow it while it is highlighted.
      frame = requestAnimationFrame(place);
    }
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(place);
  };
  addEventListener('scroll', schedule, { passive: true, capture: true });

  const show = (el: HTMLElement, on: boolean) => {
    el.hidden = !on;
    if (on) showInTopLayer(el);
  };

  return {
    setAgentName(name) {
      label.textContent = name;
    },
    pointer(x, y, visible) {
      at = visible ? { x, y } : null;
      cancelAnimationFrame(frame);
      place();
      show(arrow, visible);
    },
    highlight(nodeId) {
      const node = nodeId === null ? null : mirror.getNode(nodeId);
      target = node && node.nodeType === Node.ELEMENT_NODE ? (node as Element) : (node?.parentElement ?? null);
      // Placed before it is shown, so it never flashes at a stale position or size.
      cancelAnimationFrame(frame);
      place();
      show(box, target !== null);
    },
    clear() {
      at = null;
      target = null;
      arrow.hidden = true;
      box.hidden = true;
    },
    destroy() {
      cancelAnimationFrame(frame);
      removeEventListener('scroll', schedule, { capture: true });
      arrow.remove();
      box.remove();
      style.remove();
    },
  };
}
