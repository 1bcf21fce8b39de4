// Turns one binary frame from the agent socket into what the replica needs: the header says what
// it is; the body (a piece of the page's deflate stream, see @tandem/protocol/frame-stream) is
// JSON we check the shape of, because it comes from a browser we do not control. Stateful: the
// pieces of a stream are only readable in order, from its snapshot on.
import { FRAME_KIND, decodeFrameHeader, decodePointer, frameBody } from '@tandem/protocol/relay-frame';
import { FrameInflater } from '@tandem/protocol/frame-stream';
import type { eventWithTime } from '@rrweb/types';

export interface PagePoint {
  x: number;
  y: number;
}

export type PageFrame =
  | { kind: 'snapshot' | 'delta'; seq: number; events: eventWithTime[] }
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

export class PageFrameReader {
  private readonly inflater = new FrameInflater();

  /** A new connection: the next stream starts at the next snapshot the relay sends. */
  reset(): void {
    this.inflater.reset();
  }

  read(bytes: Uint8Array): FrameResult {
    const header = decodeFrameHeader(bytes);
    if (!header) return { ok: false, sequenced: false };
    const sequenced = header.kind === FRAME_KIND.SNAPSHOT || header.kind === FRAME_KIND.DELTA;
    if (header.kind === FRAME_KIND.POINTER) {
      const point = decodePointer(frameBody(bytes));
      return point ? { ok: true, frame: { kind: 'pointer', point } } : { ok: false, sequenced: false };
    }
    if (!sequenced) return { ok: true, frame: null };
    const snapshot = header.kind === FRAME_KIND.SNAPSHOT;
    let parsed: unknown;
    try {
      let body = frameBody(bytes);
      if (header.compressed) body = this.inflater.inflate(body, header.seq, snapshot);
      else this.inflater.pass(header.seq, snapshot);
      parsed = JSON.parse(decoder.decode(body));
    } catch {
      return { ok: false, sequenced: true };
    }
    if (!Array.isArray(parsed) || !parsed.every(isEvent)) return { ok: false, sequenced: true };
    return { ok: true, frame: { kind: snapshot ? 'snapshot' : 'delta', seq: header.seq, events: parsed } };
  }
}
