// rrweb records a same-origin frame's document with the top page's (one stream, one id space) and
// hooks the frame's own prototypes, but the followers that catch what rrweb's hooks miss (a
// framework's own setters, option choices, form resets, mixed boxes) wrap one window's prototypes
// each: a frame has prototypes of its own, and its page's writes went unseen until the next
// snapshot. This runs a follower on the top window and on each same-origin frame's window, those
// there now and those that load later (a frame that navigates has a new document, followed anew).
// A cross-origin frame is its own SDK's to follow.

type Win = Window & typeof globalThis;

const MAX_DEPTH = 8;

function frameWindow(el: Element): Win | null {
  try {
    const win = (el as HTMLIFrameElement).contentWindow as Win | null;
    // Reading the document throws for a cross-origin frame.
    return win && win.document ? win : null;
  } catch {
    return null;
  }
}

function isFrame(el: unknown): el is HTMLIFrameElement {
  const name = (el as Element | null)?.localName;
  return name === 'iframe' || name === 'frame';
}

/** Runs `follow` on `top` and every same-origin frame window inside it; the result stops them all. */
export function followWindows(top: Win, follow: (win: Win) => () => void): () => void {
  const followed = new WeakSet<Document>();
  const stops: (() => void)[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;
  const add = (win: Win, depth: number): void => {
    const doc = win.document;
    if (depth > MAX_DEPTH || followed.has(doc)) return;
    followed.add(doc);
    stops.push(follow(win));
    // A frame's `load` does not bubble; a capturing listener on its parent document hears it,
    // before rrweb's own listener on the frame hooks the frame's prototypes: the follower starts
    // in the next task, over rrweb's hooks, as on the top window (and is taken off first).
    const onLoad = (event: Event): void => {
      if (!isFrame(event.target)) return;
      const frame = event.target;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const child = frameWindow(frame);
        if (child && !stopped) add(child, depth + 1);
      }, 0);
      timers.add(timer);
    };
    doc.addEventListener('load', onLoad, true);
    stops.push(() => doc.removeEventListener('load', onLoad, true));
    for (const el of doc.querySelectorAll('iframe, frame')) {
      const child = frameWindow(el);
      if (child && child.document.readyState !== 'loading') add(child, depth + 1);
    }
  };
  add(top, 0);
  return () => {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const stop of stops.splice(0).reverse()) {
      try {
        stop();
      } catch {
        // A frame gone with its window: nothing of ours is left in it.
      }
    }
  };
}
