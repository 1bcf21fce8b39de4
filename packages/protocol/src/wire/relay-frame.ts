/**
 * The binary page-frame header of the live relay, with no runtime dependency, so the browser
 * bundles (SDK, agent console) import it without the schema library: `@tandem/protocol/wire`.
 * See relay.ts for the whole relay contract.
 */
export const FRAME_KIND = {
  SNAPSHOT: 1,
  DELTA: 2,
  POINTER: 3,
  CONTROL_RESULT: 4,
} as const;
export type FrameKind = (typeof FRAME_KIND)[keyof typeof FRAME_KIND];

export const FRAME_COMPRESSED = 0x80;
/**
 * On a compressed delta: its body is a piece of the page's second delta stream, not the first
 * (see frame-stream.ts: small deltas are compressed at once on the page, larger ones elsewhere).
 */
export const FRAME_SECOND_STREAM = 0x40;
const FRAME_KIND_BITS = 0x3f;
export const FRAME_HEADER_BYTES = 5;
/** Largest page frame the relay accepts (a full snapshot of a big page, compressed). */
export const RELAY_MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** Inflated bodies larger than this are refused: a page could otherwise send a deflate bomb. */
export const MAX_INFLATED_FRAME_BYTES = 64 * 1024 * 1024;

export interface FrameHeader {
  kind: FrameKind;
  compressed: boolean;
  seq: number;
  /** Which of the page's two delta streams a compressed delta's body continues. */
  stream: 0 | 1;
}

export function encodeFrame(kind: FrameKind, seq: number, body: Uint8Array, compressed = false, stream: 0 | 1 = 0): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + body.byteLength);
  out[0] = kind | (compressed ? FRAME_COMPRESSED : 0) | (stream === 1 ? FRAME_SECOND_STREAM : 0);
  new DataView(out.buffer).setUint32(1, seq >>> 0, false);
  out.set(body, FRAME_HEADER_BYTES);
  return out;
}

/** Reads the header only; null when the frame is too short or of an unknown kind. */
export function decodeFrameHeader(frame: Uint8Array): FrameHeader | null {
  if (frame.byteLength < FRAME_HEADER_BYTES) return null;
  const kind = frameKindOf(frame) as FrameKind;
  if (kind < FRAME_KIND.SNAPSHOT || kind > FRAME_KIND.CONTROL_RESULT) return null;
  return { kind, compressed: (frame[0]! & FRAME_COMPRESSED) !== 0, seq: frameSeqOf(frame), stream: frame[0]! & FRAME_SECOND_STREAM ? 1 : 0 };
}

/**
 * The header's kind and sequence number, read without allocating anything: the server's relay
 * reads them on every frame of every session. The frame must hold a whole header (FRAME_HEADER_BYTES).
 */
export function frameKindOf(frame: Uint8Array): number {
  return frame[0]! & FRAME_KIND_BITS;
}

export function frameSeqOf(frame: Uint8Array): number {
  return frame[1]! * 0x1000000 + ((frame[2]! << 16) | (frame[3]! << 8) | frame[4]!);
}

export function frameBody(frame: Uint8Array): Uint8Array {
  return frame.subarray(FRAME_HEADER_BYTES);
}


/** A pointer frame's body: page x and y as two signed 32-bit big-endian integers (8 bytes). */
export const POINTER_BODY_BYTES = 8;

export function encodePointer(x: number, y: number): Uint8Array {
  const body = new Uint8Array(POINTER_BODY_BYTES);
  const view = new DataView(body.buffer);
  view.setInt32(0, Math.round(x), false);
  view.setInt32(4, Math.round(y), false);
  return encodeFrame(FRAME_KIND.POINTER, 0, body);
}

/** The point in a pointer frame's body; null when the body is not 8 bytes. */
export function decodePointer(body: Uint8Array): { x: number; y: number } | null {
  if (body.byteLength !== POINTER_BODY_BYTES) return null;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return { x: view.getInt32(0, false), y: view.getInt32(4, false) };
}

/**
 * Inside the page stream: the rrweb custom event that says what is in the page's top layer (open
 * popovers, modal dialogs, the fullscreen element) by rrweb node id, which no attribute says. Sent on
 * every change and after every snapshot; the replica puts the same elements in its own top layer.
 */
export const TOP_LAYER_EVENT = 'tandem/top-layer';

export interface TopLayerState {
  /** Open popovers, in document order. */
  popovers: number[];
  /** Dialogs open as modal (showModal), in document order. */
  modals: number[];
  /** The fullscreen element, or null. */
  fullscreen: number | null;
}

/**
 * Inside the page stream: the rrweb custom event that names the page's checkboxes shown as
 * "mixed" (`indeterminate`, the dash of a "select all" box when some rows are ticked), by rrweb
 * node id: a property no attribute or input event carries. Sent on every change and after every
 * snapshot; boxes in masked regions are never named. The replica sets the same property.
 */
export const MIXED_BOXES_EVENT = 'tandem/mixed-boxes';

export interface MixedBoxes {
  /** The indeterminate checkboxes, in no particular order. */
  ids: number[];
}

/**
 * Inside the page stream: the rrweb custom event that says which options of a multiple select are
 * chosen (by index), where the select's choice may be shown. rrweb records a select's choice as
 * its `value`, one option, which the replica then makes its only choice. Sent after each change of
 * such a select; a snapshot carries the choices in its options' `selected` attributes.
 */
export const MANY_CHOICES_EVENT = 'tandem/many-choices';

export interface ManyChoices {
  /** The select, by rrweb node id. */
  id: number;
  /** Indexes of its chosen options, ascending. */
  chosen: number[];
}

/**
 * Inside the page stream: the rrweb custom event that says which elements of the page match
 * `:focus` and `:focus-visible`, by rrweb node id, which no attribute says. Sent on every change
 * and after every snapshot; the replica, which never holds focus itself (it would take the agent's
 * keyboard), gives those elements classes its rewritten `:focus*` rules match.
 */
export const FOCUS_EVENT = 'tandem/focus';

export interface FocusState {
  /**
   * The elements that match `:focus`, outermost first: the document's focused element, then the
   * one focused inside its shadow root or frame, and so on. Empty when nothing has focus.
   */
  focus: number[];
  /** Those of them that also match `:focus-visible` (the page's own heuristics decide). */
  visible: number[];
}

/**
 * Inside the page stream: a sampled picture of a canvas the site opted in (`data-tandem-unmask`):
 * a canvas's pixels cannot be masked, so none is sent unless the site asks. Every canvas reaches
 * the replica as a box of its size (a frame that runs no script draws no canvas); an opted-in
 * one's box shows its latest picture. `src` is a data: URL (WebP, or PNG where WebP is not
 * encoded); `width`/`height` the canvas's computed CSS width and height on the page.
 */
export const CANVAS_FRAME_EVENT = 'tandem/canvas';

export interface CanvasFrame {
  id: number;
  src: string;
  width: number;
  height: number;
}

/** A sampled canvas picture larger than this is not sent (it would crowd out the page's deltas). */
export const CANVAS_FRAME_MAX_CHARS = 512 * 1024;
