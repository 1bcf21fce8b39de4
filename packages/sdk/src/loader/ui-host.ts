// Everything Tandem draws on the customer's page lives in one closed shadow root on a host the
// page cannot restyle (inline `all: initial !important` beats any stylesheet), cannot reach into
// (closed), and cannot get rid of (put back when removed). Prompts use the browser's top layer
// (modal <dialog>, popover), which sits above any z-index the page uses.
import { UI_CSS } from './ui-styles.ts';
import { platform } from '../pristine-platform.ts';

const HOST_STYLE =
  'all:initial!important;display:block!important;position:fixed!important;top:0!important;left:0!important;' +
  'width:0!important;height:0!important;overflow:visible!important;z-index:2147483647!important;' +
  'visibility:visible!important;opacity:1!important;pointer-events:none!important';

export const UI_HOST_TAG = 'tandem-ui';

export interface UiHost {
  root: ShadowRoot;
  /** Says `text` to a screen reader (a polite status message), without moving focus. */
  announce(text: string): void;
  add<T extends HTMLElement>(el: T): T;
  destroy(): void;
}

export function createUiHost(): UiHost {
  const host = document.createElement(UI_HOST_TAG);
  host.setAttribute('style', HOST_STYLE);
  // The capture bundle leaves this element out of the stream: the agent's replica does not need
  // the customer's prompts and the banner.
  host.setAttribute('data-tandem-ui', '');
  const root = platform.attachShadow(host, { mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = UI_CSS;
  // One status region for the whole session, present before anything is said in it: a live
  // region that appears together with its text is often not read at all.
  const status = document.createElement('div');
  status.className = 'sr';
  status.setAttribute('role', 'status');
  root.append(style, status);
  let saying: ReturnType<typeof setTimeout> | undefined;

  const place = () => document.documentElement.append(host);
  place();
  const watcher = new platform.MutationObserver(() => {
    if (host.getAttribute('style') !== HOST_STYLE) host.setAttribute('style', HOST_STYLE);
    if (!host.isConnected) {
      place();
      // Leaving the document closes modal dialogs and popovers; open them again.
      for (const el of root.querySelectorAll<HTMLElement>('[data-layer]')) showInTopLayer(el);
    }
  });
  watcher.observe(document.documentElement, { childList: true });
  watcher.observe(host, { attributes: true });

  return {
    root,
    announce(text) {
      clearTimeout(saying);
      // A moment after the region exists (a new host) or was emptied, so the change is noticed.
      status.textContent = '';
      saying = setTimeout(() => (status.textContent = text), 100);
    },
    add(el) {
      root.append(el);
      return el;
    },
    destroy() {
      clearTimeout(saying);
      watcher.disconnect();
      host.remove();
    },
  };
}

export function showInTopLayer(el: HTMLElement): void {
  if (!el.isConnected) return;
  try {
    if (el instanceof HTMLDialogElement) {
      if (!el.open) el.showModal();
    } else if ('showPopover' in el && !el.matches(':popover-open')) {
      el.showPopover();
    }
  } catch {
    // Older browsers: the fixed position and maximum z-index in UI_CSS still apply.
  }
}

type Child = Node | string | null | false;

/** A small element builder: the loader must stay small, and no page template engine may touch it. */
export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c) el.append(c);
  return el;
}
