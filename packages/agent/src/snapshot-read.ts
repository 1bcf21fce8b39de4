// Reads a snapshot frame's body into the page's events: the browser's own inflate and a check of
// the shape, because it comes from a browser we do not control. Shared by the console's frame
// reader (page-frame.ts) and the console page's boot script (boot-picture.ts), which must stay
// small: nothing here pulls in the delta streams' inflater.
import type { eventWithTime } from '@rrweb/types';
import { readCapped } from '@tandem/protocol/wire';

const decoder = new TextDecoder();

function isEvent(value: unknown): value is eventWithTime {
  if (typeof value !== 'object' || value === null) return false;
  const { type, timestamp } = value as { type?: unknown; timestamp?: unknown };
  return typeof type === 'number' && typeof timestamp === 'number';
}

/**
 * A deflated snapshot, by the browser's own inflate: a console that just opened would otherwise
 * spend its first tens of milliseconds warming pako up on the largest frame (bench: agent join).
 */
export async function inflateSnapshot(body: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const json = await readCapped(new Blob([body as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader(), maxBytes);
  if (!json) throw new Error('inflated snapshot too large');
  return json;
}

/** The events of a frame body's JSON; null when it is not a list of events. */
export function parseEvents(json: Uint8Array): eventWithTime[] | null {
  const parsed: unknown = JSON.parse(decoder.decode(json));
  return Array.isArray(parsed) && parsed.every(isEvent) ? parsed : null;
}
