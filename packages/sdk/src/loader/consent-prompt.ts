// The two consent prompts (share the tab; let the agent control it). Only a trusted activation of
// the primary button counts: a click by a real pointer, or Enter/Space on the focused button.
// A page script can neither reach the button (closed shadow root) nor fake the click (isTrusted).
import type { ConsentShown } from '@tandem/protocol';
import { h, showInTopLayer, type UiHost } from './ui-host.ts';

export interface PromptCopy {
  /** The language it is in, its writing direction and the version of its wording. */
  lang: string;
  dir: string;
  version: string;
  brand: string;
  phraseCheck: string;
  title: string;
  intro: string;
  seesLabel: string;
  sees: string[];
  hiddenLabel: string;
  hidden: string[];
  phrase: string | null;
  accept: string;
  decline: string;
  fine: string;
}

/** The prompt as the customer saw it at the trusted click: what its consent receipt records. */
export interface SeenPrompt {
  /** The visible text as the browser laid it out (innerText), buttons included. */
  text: string;
  locale: string;
  clickedAt: string;
}

export interface OpenPrompt {
  close(): void;
  /** Whether the prompt is really on screen (open, laid out with a size). */
  visible(): boolean;
}

// A click that lands within this long after the prompt appeared was aimed at whatever was there
// before: it must not count as a decision (clickjacking, double clicks).
const ARMING_DELAY_MS = 400;
let promptCount = 0;

const SHIELD =
  '<svg width="18" height="18" viewBox="0 0 24 24" fill="none" aria-hidden="true"><path d="M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5l-8-3Z" ' +
    'fill="#1a56db"/><path d="m8.5 12 2.4 2.4 4.6-4.8" stroke="#fff" stroke-width="2" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/** The text the customer saw, as the consent record stores it. */
export function shownText(copy: PromptCopy): string {
  const lines = [copy.title, copy.intro, copy.seesLabel, ...copy.sees, copy.hiddenLabel, ...copy.hidden];
  if (copy.phrase) lines.push(`${copy.phraseCheck} ${copy.phrase}`);
  lines.push(copy.fine);
  return lines.join('\n').slice(0, 2000);
}

export function consentShown(copy: PromptCopy, companyName: string, agentName: string): ConsentShown {
  return { companyName: companyName.slice(0, 200), agentName: agentName.slice(0, 200), phrase: (copy.phrase ?? '').slice(0, 100), text: shownText(copy),
    locale: copy.lang };
}

export function showPrompt(ui: UiHost, copy: PromptCopy, onAccept: (seen: SeenPrompt) => void, onDecline: () => void): OpenPrompt {
  const id = `tp${++promptCount}`;
  const shield = h('span');
  shield.innerHTML = SHIELD;
  const item = (cls: string, mark: string, text: string) => h('li', {}, h('span', { class: `ic ${cls}`, 'aria-hidden': 'true' }, mark), h('span', {}, text));
  const accept = h('button', { class: 'primary', type: 'button', 'data-action': 'accept' }, copy.accept);
  const decline = h('button', { class: 'secondary', type: 'button', 'data-action': 'decline' }, copy.decline);
  const dialog = h(
    'dialog',
    { class: 'layer', 'data-layer': '', lang: copy.lang, dir: copy.dir, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': `${id}t`,
      'aria-describedby': `${id}d` },
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'brand' }, shield.firstChild!, copy.brand),
      h('h2', { id: `${id}t` }, copy.title),
      h(
        'div',
        { id: `${id}d` },
        h('p', {}, copy.intro),
        h('h3', {}, copy.seesLabel),
        h('ul', {}, ...copy.sees.map((s) => item('see', '✓', s))),
        h('h3', {}, copy.hiddenLabel),
        h('ul', {}, ...copy.hidden.map((s) => item('hide', '✕', s))),
        copy.phrase !== null && h('div', { class: 'phrase' }, copy.phraseCheck, h('strong', { 'data-phrase': '' }, copy.phrase)),
      ),
      h('div', { class: 'actions' }, decline, accept),
      h('p', { class: 'fine' }, copy.fine),
    ),
  ) as HTMLDialogElement;

  // Where the keyboard was before the prompt took it: it goes back there when the prompt closes.
  // Current engines do this on dialog.close(); the loader also runs where they do not (Safari 15).
  const returnTo = document.activeElement;
  const shownAt = performance.now();
  let done = false;
  const finish = (accepted: boolean) => {
    if (done) return;
    // Read while the prompt is still on screen: innerText is the text as laid out and visible.
    // Its language is the prompt's own `lang`; English, the copy's only language, when none is set.
    const seen: SeenPrompt =
      { text: dialog.innerText.slice(0, 4000), locale: dialog.closest<HTMLElement>('[lang]')?.lang || 'en', clickedAt: new Date().toISOString() };
    done = true;
    close();
    if (accepted) onAccept(seen);
    else onDecline();
  };
  accept.addEventListener('click', (e) => {
    // The decision is the customer's alone: a synthetic click (dispatchEvent, .click()) is ignored.
    if (!e.isTrusted || performance.now() - shownAt < ARMING_DELAY_MS) return;
    finish(true);
  });
  decline.addEventListener('click', (e) => {
    if (e.isTrusted) finish(false);
  });
  // Escape on a modal dialog fires `cancel`; it declines.
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    if (e.isTrusted) finish(false);
  });
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && e.isTrusted) {
      e.preventDefault();
      finish(false);
    }
    // Keep Tab inside the two buttons: the dialog is the only thing to decide about.
    if (e.key === 'Tab') {
      e.preventDefault();
      const active = ui.root.activeElement;
      (active === accept ? decline : accept).focus();
    }
  });

  ui.add(dialog);
  showInTopLayer(dialog);
  // Focus starts on Share so Enter/Space decides; a screen reader reads title and description.
  accept.focus();

  const close = () => {
    done = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus({ preventScroll: true });
  };
  // On screen means laid out with a size: a page can break the top layer or hide the document.
  const visible = () => dialog.open && accept.getBoundingClientRect().width > 0;
  return { close, visible };
}
