// What the customer sees when the link they opened cannot start an invite on this page: the
// link works on one page only (another page holds it), it was sent to another customer than the
// one signed in here, or it is over. Without it the page would
// simply show nothing, and the customer would not know why or what to do.
import type { VisitorErrorCode } from '@tandem/protocol';
import type { Words } from './locale-choice.ts';
import { h, showInTopLayer, type UiHost } from './ui-host.ts';

export interface NoticeCopy {
  lang: string;
  dir: string;
  title: string;
  text: string;
  ok: string;
}

export function linkRefusedCopy(w: Words, code: VisitorErrorCode): NoticeCopy {
  const s = w.s;
  // Another page holds the link; another customer is signed in here; or the link is over.
  const [title, text] = code === 'link_used_elsewhere' ? [s.usedTitle, s.usedText]
    : code === 'invite_not_for_you' ? [s.otherTitle, s.otherText] : [s.deadTitle, s.deadText];
  return { lang: w.lang, dir: s.dir, title, text, ok: s.ok };
}

export function showNotice(ui: UiHost, copy: NoticeCopy): void {
  const ok = h('button', { class: 'primary', type: 'button', 'data-action': 'dismiss' }, copy.ok);
  // role=alert: read out at once, without taking the keyboard away from what the customer is doing.
  const box = h(
    'div',
    { class: 'layer notice', 'data-layer': '', lang: copy.lang, dir: copy.dir, popover: 'manual', role: 'alert' },
    h('h2', {}, copy.title),
    h('p', {}, copy.text),
    h('div', { class: 'actions' }, ok),
  );
  ok.addEventListener('click', () => box.remove());
  ui.add(box);
  showInTopLayer(box);
}
