// The platform APIs the SDK calls, as the browser made them. Some pages replace them with their
// own (enterprise frameworks swap in a MutationObserver, wrap WebSocket#send or JSON.stringify,
// police attachShadow); the SDK calling a replacement would fail, or hand the page what it sends.
// Each bundle takes its references once, when it is evaluated: those the page has left alone
// come from the page's window (a later patch cannot reach them), and any the page replaced
// earlier come from a fresh same-origin frame, whose window no page script has ever run in.

export interface PristinePlatform {
  MutationObserver: typeof MutationObserver;
  stringify(value: unknown): string;
  send(socket: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView): void;
  attachShadow(host: Element, init: ShadowRootInit): ShadowRoot;
}

interface Picked {
  MutationObserver: typeof MutationObserver;
  stringify: typeof JSON.stringify;
  send: WebSocket['send'];
  attachShadow: Element['attachShadow'];
}

type PlatformWindow = Window & typeof globalThis;

const pick = (w: PlatformWindow): Picked => ({
  MutationObserver: w.MutationObserver,
  stringify: w.JSON.stringify,
  send: w.WebSocket.prototype.send,
  attachShadow: w.Element.prototype.attachShadow,
});

const toSource = Function.prototype.toString;

function isNative(fn: unknown): boolean {
  try {
    return typeof fn === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(toSource.call(fn));
  } catch {
    return false;
  }
}

/** The same APIs from a frame the page never ran in. The frame goes again at once: what came
 *  from it keeps working (checked in Chromium; rrweb takes its MutationObserver the same way). */
function fromCleanFrame(): Picked | null {
  try {
    const frame = document.createElement('iframe');
    frame.style.display = 'none';
    document.documentElement.appendChild(frame);
    const win = frame.contentWindow as PlatformWindow | null;
    const picked = win ? pick(win) : null;
    frame.remove();
    return picked;
  } catch {
    return null;
  }
}

function takePlatform(): Picked {
  const own = pick(window);
  const keys = Object.keys(own) as (keyof Picked)[];
  if (keys.every((k) => isNative(own[k]))) return own;
  const clean = fromCleanFrame();
  if (!clean) return own;
  const out = { ...own } as Record<keyof Picked, unknown>;
  for (const k of keys) if (!isNative(own[k]) && isNative(clean[k])) out[k] = clean[k];
  return out as unknown as Picked;
}

const taken = takePlatform();

export const platform: PristinePlatform = {
  MutationObserver: taken.MutationObserver,
  stringify: (value) => taken.stringify.call(JSON, value),
  send: (socket, data) => taken.send.call(socket, data as string),
  attachShadow: (host, init) => taken.attachShadow.call(host, init),
};
