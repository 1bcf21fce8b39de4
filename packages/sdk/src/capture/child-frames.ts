// The sharing page's side of cross-origin frames (a payment widget, embedded help) that run the
// SDK in child mode. rrweb's cross-origin iframe support does the hard part: it takes a frame's
// posted events, renumbers their nodes into this page's id space and emits them as changes under
// the frame's <iframe>. This module decides which frames may speak and when:
// - only frames on an allowed origin are told to record ('start'), and only while this page
//   shares: after each of its full snapshots (a new replica starts with every frame empty) and
//   whenever such a frame loads a document; they are told 'stop' when sharing stops;
// - a posted event counts only if it came, while sharing, from the very window this page started,
//   on the origin it was started on. Anything else rrweb would turn into changes (a frame not
//   allowed, one nested in a same-origin frame, a page that posts rrweb's message shape) is
//   dropped before it reaches the stream.
import { EventType, IncrementalSource } from '@rrweb/types';
import type { eventWithTime } from '@rrweb/types';
import type { FrameMessage } from './frame-origins.ts';

interface StartedFrame {
  frame: HTMLIFrameElement;
  origin: string;
}

interface RrwebMessage {
  type: 'rrweb';
  origin?: unknown;
  event?: { data?: { node?: unknown } };
}

export interface ChildFrames {
  /** Asks every allowed frame for its page (again): after each full snapshot of this page. */
  announce(): void;
  /**
   * Where an event rrweb is about to emit comes from: 'own' (this page), the <iframe> of an
   * allowed child that sent it, or null (posted by a frame or page that was not let in).
   */
  sourceOf(event: eventWithTime): 'own' | HTMLIFrameElement | null;
  stop(): void;
}

const isRrwebMessage = (data: unknown): data is RrwebMessage =>
  typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'rrweb';

export function watchChildFrames(doc: Document, allowed: readonly string[]): ChildFrames {
  const started = new Map<Window, StartedFrame>();
  const accepted = new WeakMap<MessageEvent, HTMLIFrameElement>();
  const view = doc.defaultView ?? window;

  const tell = (frame: HTMLIFrameElement, kind: FrameMessage['tandemFrame']) => {
    // A frame whose document this page can read is recorded by rrweb directly, as part of the page.
    if (frame.contentDocument) return;
    let origin: string;
    try {
      origin = new URL(frame.src).origin;
    } catch {
      return;
    }
    const win = frame.contentWindow;
    if (!win || !allowed.includes(origin)) return;
    started.set(win, { frame, origin });
    // Addressed to that origin: should the frame have gone elsewhere, the browser delivers nothing.
    const message: FrameMessage = { tandemFrame: kind };
    win.postMessage(message, origin);
  };

  const announce = () => {
    for (const frame of doc.querySelectorAll('iframe')) tell(frame, 'start');
  };

  // A frame that loads a document (added while sharing, or navigated) has a page nobody started.
  const onLoad = (e: Event) => {
    const target = e.target as Element | null;
    if (target?.localName === 'iframe') tell(target as HTMLIFrameElement, 'start');
  };

  // Capture phase on the window: this runs before rrweb's own listener on the same message.
  const onMessage = (e: MessageEvent) => {
    if (!isRrwebMessage(e.data) || !e.source) return;
    const child = started.get(e.source as Window);
    if (!child || e.origin !== child.origin || e.data.origin !== e.origin) return;
    if (child.frame.isConnected && child.frame.contentWindow === e.source) accepted.set(e, child.frame);
  };

  doc.addEventListener('load', onLoad, true);
  view.addEventListener('message', onMessage, true);

  return {
    announce,
    sourceOf(event) {
      // rrweb emits a posted event while it handles the message, so the window's current event
      // is that message; the event is the one it carried (a snapshot comes wrapped as an add).
      // (window.event is marked deprecated, yet every engine has it, and nothing else tells this.)
      const current = view.event;
      if (current?.type !== 'message') return 'own';
      const message = current as MessageEvent;
      const data: unknown = message.data;
      if (!isRrwebMessage(data) || !data.event) return 'own';
      const posted = data.event;
      const snapshot = posted.data?.node;
      const carried = event === (posted as unknown) ||
        (snapshot !== undefined && event.type === EventType.IncrementalSnapshot && event.data.source === IncrementalSource.Mutation &&
          event.data.adds[0]?.node === snapshot);
      if (!carried) return 'own';
      return accepted.get(message) ?? null;
    },
    stop() {
      doc.removeEventListener('load', onLoad, true);
      view.removeEventListener('message', onMessage, true);
      const message: FrameMessage = { tandemFrame: 'stop' };
      for (const [win, { origin }] of started) win.postMessage(message, origin);
      started.clear();
    },
  };
}
