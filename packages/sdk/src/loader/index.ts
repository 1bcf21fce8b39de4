// Entry of /sdk.js: <script src="{server}/sdk.js" data-deployment="pk_..." async>. The server is
// the script's own origin. A deep link's #tandem=<secret> is taken out of the address bar before
// anything else runs, so it is not left in history, bookmarks or a shared screenshot.
import { startTandem, type TandemApi } from './sdk-controller.ts';
import { joinParent } from './frame-child.ts';

type QueuedCall = [keyof TandemApi, ...unknown[]];

declare global {
  interface Window {
    Tandem?: TandemApi | QueuedCall[];
  }
}

function takeLinkSecret(): string | null {
  const match = /(?:^#|&)tandem=([A-Za-z0-9_-]{1,128})/.exec(location.hash);
  if (!match) return null;
  const rest = location.hash.slice(1).split('&').filter((part) => !part.startsWith('tandem=')).join('&');
  // An absolute URL built from the page's own address: a relative one would be resolved against
  // the document's <base>, and a base on another origin (a CDN) makes replaceState throw.
  const clean = new URL(location.href);
  clean.hash = rest;
  try {
    history.replaceState(history.state, '', clean.href);
  } catch {
    // A page that forbids it (sandboxed, opaque origin): the invite starts all the same.
  }
  return match[1]!;
}

function boot() {
  const script = (document.currentScript ?? document.querySelector('script[data-deployment]')) as HTMLScriptElement | null;
  if (!script) return;
  const server = new URL(script.src).origin;
  const { deployment: key, parentOrigins } = script.dataset;
  // Inside a frame that names its parents: the frame joins the parent's share (frame-child.ts).
  if (parentOrigins && parent !== window) return joinParent(server, parentOrigins.split(' '));
  if (!key || (window.Tandem && !Array.isArray(window.Tandem))) return;
  const api = startTandem(server, key, takeLinkSecret());
  // Calls the site made before this async script arrived: window.Tandem = [['identify', token]].
  const queued = Array.isArray(window.Tandem) ? window.Tandem : [];
  window.Tandem = api;
  for (const [method, ...args] of queued) (api[method] as (...a: unknown[]) => unknown)?.(...args);
}

boot();
