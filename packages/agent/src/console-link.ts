// The console page's first script file (/agent/console-link.js, with the chunk it shares with the
// console): it takes over the link to Tandem that the page's inline script opened (or opens it),
// with the picture of the customer's page that script may already show (boot-picture.ts), shows
// the snapshot the link brings if it does not (early-view.ts), and only then starts the console
// (/agent/console.js, which the page has the browser fetch and compile meanwhile): started at
// once, the console's code (rrweb above all) would hold the page's only thread while the snapshot
// waits behind it (bench: agent join).
import { bootPicturing } from './boot-link.ts';
import { preconnect } from './early-link.ts';
import type { EarlyReport } from './early-link.ts';
import { EarlyView } from './early-view.ts';
import { hidePageToken, pageToken } from './page-token.ts';

// A link that reports nothing, or a session whose snapshot does not follow its view: the console
// starts anyway, and says what is happening.
const START_AT_THE_LATEST_MS = 1_000;
const SNAPSHOT_WAIT_MS = 250;

let started = false;
// Takes the link over (the page sets it below when it has a token); the console takes it from there.
let link: (() => void) | null = null;

// A page in a background tab paints no frame: nothing waits for one longer than this.
const PAINT_WAIT_MS = 100;

/** Runs `fn` once, in a task after the next frame is painted, or after PAINT_WAIT_MS. */
function afterPaint(fn: () => void): void {
  let done = false;
  const once = () => {
    if (!done) fn();
    done = true;
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, PAINT_WAIT_MS);
}

/** Starts the console page's own script, once; the page names it (public/console.html). */
function startConsole(): void {
  if (started) return;
  started = true;
  // Still waiting for the boot script's picture to be painted: the console must find the link
  // taken over, or it would open a second socket beside the boot script's.
  link?.();
  const src = document.querySelector<HTMLLinkElement>('link[rel="modulepreload"][data-console]')?.href;
  if (src) void import(src);
}

/** When to start the console, from what the link has reported so far. */
function consider(report: EarlyReport): void {
  if (report.name === 'snapshot') {
    // After the picture has been painted: starting the console is a long task.
    if (report.shown) requestAnimationFrame(() => setTimeout(startConsole, 0));
    else startConsole();
  } else if (report.name === 'message' && report.args[0].type === 'ready') {
    const { session, customerLink } = report.args[0].view;
    // A snapshot follows the view only while the customer is sharing.
    if (session?.state === 'active' && customerLink === 'connected') setTimeout(startConsole, SNAPSHOT_WAIT_MS);
    else startConsole();
  } else if (report.name === 'message' && report.args[0].type === 'error') {
    startConsole();
  } else if (report.name === 'link' && report.args[0] !== 'connecting' && report.args[0] !== 'live') {
    startConsole();
  }
}

const token = pageToken();
const mount = document.getElementById('console');
if (token && mount) {
  // The page's words for a visit without a token; this one has one, and the console comes.
  mount.replaceChildren();
  const takeOver = () => {
    link = null;
    // The boot script's view, when it opened the link, or this one.
    const view = preconnect(location.origin, token, { view: new EarlyView(() => document.body), onReport: consider });
    view?.prepare();
  };
  link = takeOver;
  // The boot script is drawing the customer's page: the link, which reads that page again for the
  // console, waits until the picture has been painted rather than hold it up.
  const drawing = bootPicturing(location.origin, token);
  if (drawing) void drawing.then(() => afterPaint(() => link?.()));
  else takeOver();
  setTimeout(startConsole, START_AT_THE_LATEST_MS);
} else {
  startConsole();
}
hidePageToken();
