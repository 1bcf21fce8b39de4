// Always on screen while the tab is shared: who sees it, whether they may control it, and the
// buttons to stop either. Trusted clicks only, like the prompts: a page script cannot keep
// sharing going by faking clicks, nor stop it behind the customer's back.
import { h, showInTopLayer, type UiHost } from './ui-host.ts';

export interface BannerState {
  agentName: string;
  control: boolean;
  reconnecting: boolean;
}

export interface Banner {
  update(state: BannerState): void;
  remove(): void;
}

export function showBanner(ui: UiHost, onStop: () => void, onStopControl: () => void): Banner {
  const text = h('span', { class: 'txt' });
  const stopControl = h('button', { type: 'button', 'data-action': 'stop-control' }, 'Stop control');
  const stop = h('button', { class: 'stop', type: 'button', 'data-action': 'stop' }, 'Stop sharing');
  const bar = h('div', { class: 'layer banner', 'data-layer': '', popover: 'manual', role: 'status', 'aria-live': 'polite' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text, stopControl, stop);
  stop.addEventListener('click', (e) => e.isTrusted && onStop());
  stopControl.addEventListener('click', (e) => e.isTrusted && onStopControl());
  ui.add(bar);
  showInTopLayer(bar);
  return {
    update({ agentName, control, reconnecting }) {
      bar.classList.toggle('wait', reconnecting);
      text.textContent = reconnecting ? `Reconnecting to ${agentName}…` : `Sharing this tab with ${agentName}`;
      if (control && !reconnecting) text.append(' · ', h('span', { class: 'ctl' }, `${agentName} can click and type`));
      stopControl.hidden = !control;
      // A newer top-layer element (the control prompt) must not leave the banner underneath.
      if (bar.matches(':popover-open')) bar.hidePopover();
      showInTopLayer(bar);
    },
    remove() {
      bar.remove();
    },
  };
}
