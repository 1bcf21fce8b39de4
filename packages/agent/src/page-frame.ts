// Turns one binary frame from the agent socket into what the replica needs: the header says what
// it is; the body (a deflated snapshot, or a delta's piece of the deflate stream that follows it:
// @tandem/protocol/frame-stream) is JSON we check the shape of, because it comes from a browser
// we do not control. Stateful: deltas are only readable in order, from their snapshot on.
import { FRAME_KIND, decodeFrameHeader, decodePointer, frameBody, readCapped } from '@tandem/protocol/wire';
import { FrameInflater } from '@tandem/protocol/frame-stream';
import type { eventWithTime } from '@rrweb/types';

export interface PagePoint {
  x: number;
  y: number;
}

export type PageFrame =
  /** fresh: the snapshot's events read again, a copy of its own for whoever changes them in place */
  | { kind: 'snapshot'; seq: number; events: eventWithTime[]; fresh: () => eventWithTime[] }
  | { kind: 'delta'; seq: number; events: eventWithTime[] }
  | { kind: 'pointer'; point: PagePoint };

function isEvent(value: unknown): value is eventWithTime {
  if (typeof value !== 'object' || value === null) return false;
  const { type, timestamp } = value as { type?: unknown; timestamp?: unknown };
  return typeof type === 'number' && typeof timestamp === 'number';
}

export type FrameResult =
  | { ok: true; frame: PageFrame }
  /** sequenced: the unreadable frame was a snapshot or delta, so the replica missed something */
  | { ok: false; sequenced: boolean }
  /** a kind the console has no use for (control results arrive as JSON) */
  | { ok: true; frame: null };

const decoder = new TextDecoder();

/**
 * A deflated snapshot, by the browser's own inflate: a console that just opened would otherwise
 * spend its first tens of milliseconds warming pako up on the largest frame (bench: agent join).
 */
async function inflateNative(body: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const json = await readCapped(new Blob([body as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader(), maxBytes);
  if (!json) throw new Error('inflated snapshot too large');
  return json;
}

function parseEvents(json: Uint8Array): eventWithTime[] | null {
  const parsed: unknown = JSON.parse(decoder.decode(json));
  return Array.isArray(parsed) && parsed.every(isEvent) ? parsed : null;
}

export class PageFrameReader {
  private readonly inflater = new FrameInflater();

  /** A new connection: the next stream starts at the next snapshot the relay sends. */
  reset(): void {
    this.inflater.reset();
  }

  /**
   * Synchronous, except for a compressed snapshot (a promise): frames after it must wait for it,
   * since the deltas that follow are read against it.
   */
  read(bytes: Uint8Array): FrameResult | Promise<FrameResult> {
    const header = decodeFrameHeader(bytes);
    if (!header) return { ok: false, sequenced: false };
    if (header.kind === FRAME_KIND.POINTER) {
      const point = decodePointer(frameBody(bytes));
      return point ? { ok: true, frame: { kind: 'pointer', point } } : { ok: false, sequenced: false };
    }
    if (header.kind !== FRAME_KIND.SNAPSHOT && header.kind !== FRAME_KIND.DELTA) return { ok: true, frame: null };
    const body = frameBody(bytes);
    const { seq } = header;
    if (header.kind === FRAME_KIND.SNAPSHOT) {
      this.inflater.reset();
      const json = header.compressed ? inflateNative(body, this.inflater.maxBytes) : Promise.resolve(body);
      return json.then(
        (text) => {
          const events = parseEvents(text);
          if (!events) return { ok: false, sequenced: true } as const;
          this.inflater.startStream(text, seq);
          // Parsed again only if asked: faster than a structured clone of the tree (bench: agent join).
          return { ok: true, frame: { kind: 'snapshot', seq, events, fresh: () => parseEvents(text)! } } as const;
        },
        () => ({ ok: false, sequenced: true }) as const,
      );
    }
    try {
      const events = parseEvents(this.inflater.read(body, seq, false, header.compressed, header.stream));
      return events ? { ok: true, frame: { kind: 'delta', seq, events } } : { ok: false, sequenced: true };
    } catch {
      return { ok: false, sequenced: true };
    }
  }
}
