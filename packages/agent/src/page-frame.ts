// Turns one binary frame from the agent socket into what the replica needs: the header says what
// it is; the body (a deflated snapshot, or a delta's piece of the deflate stream that follows it:
// @tandem/protocol/frame-stream) is JSON we check the shape of, because it comes from a browser
// we do not control. Stateful: deltas are only readable in order, from their snapshot on.
import { FRAME_KIND, decodeFrameHeader, decodePointer, frameBody } from '@tandem/protocol/wire';
import { FrameInflater } from '@tandem/protocol/frame-stream';
import type { eventWithTime } from '@rrweb/types';
import { inflateSnapshot, parseEvents } from './snapshot-read.ts';

export interface PagePoint {
  x: number;
  y: number;
}

export type PageFrame =
  /** fresh: the snapshot's events read again, a copy of its own for whoever changes them in place */
  | { kind: 'snapshot'; seq: number; events: eventWithTime[]; fresh: () => eventWithTime[] }
  | { kind: 'delta'; seq: number; events: eventWithTime[] }
  | { kind: 'pointer'; point: PagePoint };

export type FrameResult =
  | { ok: true; frame: PageFrame }
  /** sequenced: the unreadable frame was a snapshot or delta, so the replica missed something */
  | { ok: false; sequenced: boolean }
  /** a kind the console has no use for (control results arrive as JSON) */
  | { ok: true; frame: null };

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
      const json = header.compressed ? inflateSnapshot(body, this.inflater.maxBytes) : Promise.resolve(body);
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
