// Canvases the site opted in (`<canvas data-tandem-unmask>`: a chart, a seat map) are sampled a
// few times a second and sent as pictures when they changed; what a canvas draws, text included,
// cannot be masked, so no other canvas is ever read. rrweb's own canvas recording is not used: its
// replay needs scripts in the replica's frame, and a frame without scripts draws no canvas at all
// (it shows the element's fallback content, laid out as a plain box). So every canvas is blocked
// (rrweb sends a box of its size) and the replica paints an opted-in one's box with its picture.
import { CANVAS_FRAME_EVENT, CANVAS_FRAME_MAX_CHARS, type CanvasFrame } from '@tandem/protocol/wire';
import { UNMASK_ATTRIBUTE } from './mask-policy.ts';

/** Every canvas is blocked by rrweb: a box of the same size (see above). */
export const CANVAS_BLOCK_SELECTOR = 'canvas';
const OPTED_IN = `canvas[${UNMASK_ATTRIBUTE}]`;

export interface CanvasFrames {
  /** A snapshot was taken: its replica has blank canvases, so every picture goes again. */
  afterSnapshot(): void;
  stop(): void;
}

export function sampleCanvases(doc: Document, idOf: (node: Node) => number, send: (tag: string, frame: CanvasFrame) => void, everyMs = 500): CanvasFrames {
  // What was last sent per canvas: a picture goes only when it changed.
  let sent = new WeakMap<HTMLCanvasElement, string>();
  const sample = () => {
    if (doc.visibilityState === 'hidden') return;
    for (const canvas of doc.querySelectorAll<HTMLCanvasElement>(OPTED_IN)) {
      const id = idOf(canvas);
      if (id <= 0 || canvas.width === 0 || canvas.height === 0) continue;
      let src: string;
      try {
        src = canvas.toDataURL('image/webp', 0.7);
      } catch {
        // A canvas that drew a cross-origin picture cannot be read: it stays blank in the replica.
        continue;
      }
      if (src.length > CANVAS_FRAME_MAX_CHARS) continue;
      // The size as the page's CSS computes it: the replica's box has the same box-sizing rules.
      const css = doc.defaultView!.getComputedStyle(canvas);
      const width = parseFloat(css.width) || canvas.width;
      const height = parseFloat(css.height) || canvas.height;
      const key = `${src}@${width}x${height}`;
      if (sent.get(canvas) === key) continue;
      sent.set(canvas, key);
      send(CANVAS_FRAME_EVENT, { id, src, width, height });
    }
  };
  const timer = setInterval(() => {
    try {
      sample();
    } catch {
      // A page that broke the DOM calls sampling needs: no pictures, nothing else lost.
    }
  }, everyMs);
  return {
    afterSnapshot() {
      sent = new WeakMap();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
