// Always on screen while the tab is shared: who sees it, whether they may control it, and the
// buttons to stop either. Trusted clicks only, like the prompts: a page script cannot keep
// sharing going by faking clicks, nor stop it behind the customer's back.
import { fill, type Words } from './locale-choice.ts';
import { h, showInTopLayer, type UiHost } from './ui-host.ts';

export interface BannerState {
  words: Words;
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
  const stopControl = h('button', { type: 'button', 'data-action': 'stop-control' });
  const stop = h('button', { class: 'stop', type: 'button', 'data-action': 'stop' });
  // A labelled region a screen reader can jump to; what changes in it is announced through the
  // host's status region (ui.announce), which exists before the change and so is read reliably.
  const bar = h('div', { class: 'layer banner', 'data-layer': '', popover: 'manual', role: 'region' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text, stopControl, stop);
  stop.addEventListener('click', (e) => e.isTrusted && onStop());
  stopControl.addEventListener('click', (e) => e.isTrusted && onStopControl());
  ui.add(bar);
  showInTopLayer(bar);
  let said = '';
  let hadControl = false;
  return {
    update({ words, agentName, control, reconnecting }) {
      const { s } = words;
      const v = { agent: agentName };
      bar.lang = words.lang;
      bar.dir = s.dir;
      bar.classList.toggle('wait', reconnecting);
      const status = reconnecting ? fill(s.reconnecting, v) : fill(s.sharing, v);
      bar.setAttribute('aria-label', status);
      text.textContent = status;
      if (control && !reconnecting) text.append(' · ', h('span', { class: 'ctl' }, fill(s.controlling, v)));
      stopControl.textContent = s.stopControl;
      stop.textContent = s.stopSharing;
      stopControl.hidden = !control;
      if (text.textContent !== said) {
        said = text.textContent;
        // Losing control is news of its own; otherwise the bar's new text says what changed.
        ui.announce(hadControl && !control ? fill(s.controlEnded, v) : said);
      }
      hadControl = control;
      // A newer top-layer element (the control prompt) must not leave the banner underneath.
      if (bar.matches(':popover-open')) bar.hidePopover();
      showInTopLayer(bar);
    },
    remove() {
      bar.remove();
    },
  };
}
