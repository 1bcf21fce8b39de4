// Paints the pictures the page samples of the canvases its site opted in onto the replica's boxes
// for those canvases (every canvas reaches the replica as a box of its size: a frame that runs no
// script draws no canvas). The picture becomes the box's background, set inline and important so
// it wins over the striped "blocked" look. Pictures are data: URLs of images only, checked first:
// the stream comes from a browser we do not control.
import { CANVAS_FRAME_EVENT, CANVAS_FRAME_MAX_CHARS, type CanvasFrame } from '@tandem/protocol/wire';

interface NodeMirror {
  getNode(id: number): Node | null;
}

const PICTURE = /^data:image\/(?:webp|png|jpeg);base64,[A-Za-z0-9+/=]+$/;
const MAX_SIDE = 100_000;

export function canvasFrameOf(data: { tag?: unknown; payload?: unknown } | undefined): CanvasFrame | null {
  if (data?.tag !== CANVAS_FRAME_EVENT) return null;
  const p = data.payload as { id?: unknown; src?: unknown; width?: unknown; height?: unknown } | null;
  if (!p || !Number.isSafeInteger(p.id) || (p.id as number) <= 0 || typeof p.src !== 'string') return null;
  if (p.src.length > CANVAS_FRAME_MAX_CHARS || !PICTURE.test(p.src)) return null;
  const side = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_SIDE;
  if (!side(p.width) || !side(p.height)) return null;
  return { id: p.id as number, src: p.src, width: p.width, height: p.height };
}

export function paintCanvas(mirror: NodeMirror, frame: CanvasFrame): void {
  const box = mirror.getNode(frame.id) as HTMLElement | null;
  if (!box || box.nodeName !== 'CANVAS') return;
  const style = box.style;
  // A checked data: URL has no quote or bracket in it to break out of url("...").
  style.setProperty('background', `url("${frame.src}") center / 100% 100% no-repeat`, 'important');
  style.setProperty('width', `${frame.width}px`, 'important');
  style.setProperty('height', `${frame.height}px`, 'important');
  // A box with no script behind it is laid out as a plain element: inline would ignore the size.
  if (box.ownerDocument.defaultView?.getComputedStyle(box).display === 'inline') style.setProperty('display', 'inline-block', 'important');
}
