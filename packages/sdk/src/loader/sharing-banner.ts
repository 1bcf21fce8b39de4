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
  const bar = h('div', { class: 'layer banner', 'data-layer': '', popover: 'manual', role: 'region' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text,
    stopControl, stop);
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
        // Losing control is news of its own, shown too; otherwise the bar's new text says what changed.
        if (hadControl && !control) showEndNote(ui, words, fill(s.controlEnded, v));
        else ui.announce(said);
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

// How long a note that sharing (or control) ended stays, unless dismissed sooner.
const NOTE_MS = 7000;

/**
 * A short note where the banner was, saying why sharing (or control) ended: without it the banner
 * just vanished. A status region, filled a moment after it exists so it is read; it goes by itself.
 */
export function showEndNote(ui: UiHost, words: Words, text: string): void {
  const txt = h('span', { class: 'txt' });
  const x = h('button', { type: 'button', 'data-action': 'dismiss', 'aria-label': words.s.dismiss }, '×');
  const note = h('div', { class: 'layer note', 'data-layer': '', popover: 'manual', role: 'status', lang: words.lang, dir: words.s.dir }, txt, x);
  const close = () => note.remove();
  x.onclick = close;
  // One note at a time: a newer reason replaces the last.
  ui.root.querySelector('.note')?.remove();
  ui.add(note);
  showInTopLayer(note);
  setTimeout(() => (txt.textContent = text), 100);
  setTimeout(close, NOTE_MS);
}
