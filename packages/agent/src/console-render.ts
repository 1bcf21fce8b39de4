// Draws a ConsoleView into the console's shadow root: writes texts, tones and control states, and
// nothing else (no decisions: those are in console-view.ts). Texts that did not change are not
// written again, so a screen reader does not hear a status line repeated on every tick.
import type { ConsoleView, Status } from './console-view.ts';
import type { ConsoleWords } from './console-locale.ts';
import type { TimelineEntry } from './invite-timeline.ts';

type Find = <T extends HTMLElement = HTMLElement>(id: string) => T;

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

function setStatus(box: HTMLElement, textEl: HTMLElement, status: Status): void {
  setText(textEl, status.text);
  box.dataset['tone'] = status.tone;
}

/** The fixed texts, the language and the direction: once per language. */
export function renderLanguage(root: ShadowRoot, words: ConsoleWords): void {
  const frame = root.querySelector<HTMLElement>('.console');
  if (frame) {
    frame.lang = words.lang;
    frame.dir = words.t.dir;
  }
  const t = words.t as unknown as Record<string, string>;
  for (const el of root.querySelectorAll<HTMLElement>('[data-t]')) setText(el, t[el.dataset['t']!] ?? el.textContent ?? '');
  for (const el of root.querySelectorAll<HTMLElement>('[data-t-label]')) el.setAttribute('aria-label', t[el.dataset['tLabel']!] ?? '');
  for (const el of root.querySelectorAll<HTMLElement>('[data-t-title]')) el.title = t[el.dataset['tTitle']!] ?? '';
}

export function renderView(el: Find, v: ConsoleView): void {
  setStatus(el('call'), el('call-text'), v.call);
  setStatus(el('link'), el('link-text'), v.link);

  const invite = v.invite;
  el('invite-idle').hidden = invite.panel !== 'idle';
  el('invite-pending').hidden = invite.panel !== 'pending';
  el('invite-live').hidden = invite.panel !== 'live';
  const button = el<HTMLButtonElement>('invite');
  button.disabled = invite.button.disabled;
  setText(button, invite.button.text);
  el('invite-again').toggleAttribute('disabled', invite.button.disabled);
  el<HTMLSelectElement>('channel').disabled = invite.button.disabled;
  setText(el('invite-hint'), invite.hint);
  el<HTMLInputElement>('claim').disabled = invite.claimDisabled;
  el<HTMLButtonElement>('claim-button').disabled = invite.claimDisabled;
  const pending = invite.pending;
  if (pending) {
    setStatus(el('invite-state'), el('invite-state'), pending.state);
    setText(el('invite-expiry'), pending.expiry);
    el('code-say').hidden = pending.codeHidden;
    const code = el('code');
    code.hidden = pending.codeHidden;
    setText(code, pending.code);
    code.setAttribute('aria-label', pending.codeLabel);
    setText(el('phrase'), pending.phrase);
    el('deliveries').replaceChildren(...pending.deliveries.map((delivery) => {
      const item = document.createElement('li');
      item.className = 'pill';
      item.dataset['tone'] = delivery.tone;
      item.textContent = delivery.text;
      if (delivery.title) item.title = delivery.title;
      return item;
    }));
  }

  if (v.claimMessage) setStatus(el('claim-msg'), el('claim-msg'), v.claimMessage);
  if (v.notice) setStatus(el('notice'), el('notice'), v.notice);

  setStatus(el('customer'), el('customer-text'), v.customer);
  const viewport = el('viewport');
  setText(viewport, v.viewport.text);
  viewport.title = v.viewport.title;

  el('empty').hidden = !v.empty.shown;
  setText(el('empty-title'), v.empty.title);
  setText(el('empty-text'), v.empty.text);
  el('veil').hidden = v.veil === null;
  setText(el('veil-text'), v.veil ?? '');

  const pointer = el<HTMLButtonElement>('tool-pointer');
  const highlight = el<HTMLButtonElement>('tool-highlight');
  pointer.disabled = v.toolsDisabled;
  highlight.disabled = v.toolsDisabled;
  pointer.setAttribute('aria-pressed', String(v.tool === 'pointer'));
  highlight.setAttribute('aria-pressed', String(v.tool === 'highlight'));

  const control = el<HTMLButtonElement>('control');
  control.disabled = v.control.disabled;
  control.classList.toggle('waiting', v.control.waiting);
  control.classList.toggle('granted', v.control.granted);
  if (v.control.pressed === null) control.removeAttribute('aria-pressed');
  else control.setAttribute('aria-pressed', String(v.control.pressed));
  setText(el('control-text'), v.control.text);

  el<HTMLButtonElement>('end').disabled = v.end.disabled;
  setText(el('end-text'), v.end.text);
}

export function renderTimeline(el: Find, entries: readonly (TimelineEntry & { time: string })[]): void {
  const list = el('timeline');
  el('timeline-empty').hidden = entries.length > 0;
  list.replaceChildren(...entries.map((entry) => {
    const item = document.createElement('li');
    item.dataset['tone'] = entry.tone;
    const mark = document.createElement('span');
    mark.className = 'mark';
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = entry.label;
    const when = document.createElement('time');
    when.className = 'when';
    when.dateTime = entry.at;
    when.textContent = entry.time;
    item.append(mark, what, when);
    if (entry.detail) {
      const detail = document.createElement('div');
      detail.className = 'detail';
      detail.textContent = entry.detail;
      item.append(detail);
    }
    return item;
  }));
  list.lastElementChild?.scrollIntoView({ block: 'nearest' });
}
