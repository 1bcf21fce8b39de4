// What the customer sees when the link they opened cannot start an invite on this page: the
// link works on one page only (another page holds it), or it is over. Without it the page would
// simply show nothing, and the customer would not know why or what to do.
import type { VisitorErrorCode } from '@tandem/protocol';
import { h, showInTopLayer, type UiHost } from './ui-host.ts';

export interface NoticeCopy {
  title: string;
  text: string;
}

export function linkRefusedCopy(code: VisitorErrorCode): NoticeCopy {
  if (code === 'link_used_elsewhere') {
    return {
      title: 'This link is already open on another page',
      text: 'Each screen-sharing link works on one page only. Go back to the page where you first opened it, or ask the person you are speaking with for a new link.',
    };
  }
  return {
    title: 'This screen-sharing link no longer works',
    text: 'It may have expired or been used already. Ask the person you are speaking with for a new link.',
  };
}

export function showNotice(ui: UiHost, copy: NoticeCopy): void {
  const ok = h('button', { class: 'primary', type: 'button', 'data-action': 'dismiss' }, 'OK');
  const box = h(
    'div',
    { class: 'layer notice', 'data-layer': '', popover: 'manual', role: 'alert' },
    h('h2', {}, copy.title),
    h('p', {}, copy.text),
    h('div', { class: 'actions' }, ok),
  );
  ok.addEventListener('click', () => box.remove());
  ui.add(box);
  showInTopLayer(box);
}
