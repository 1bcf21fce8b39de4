// Turns one binary frame from the agent socket into what the replica needs: the header says what
// it is, the body (inflated when the customer's browser compressed it) is JSON we check the shape
// of, because it comes from a browser we do not control.
import { FRAME_KIND, decodeFrameHeader, frameBody } from '@tandem/protocol/relay-frame';
import type { FrameHeader } from '@tandem/protocol/relay-frame';
import type { eventWithTime } from '@rrweb/types';

export interface PagePoint {
  x: number;
  y: number;
}

export type PageFrame =
  | { kind: 'snapshot' | 'delta'; seq: number; events: eventWithTime[] }
  | { kind: 'pointer'; point: PagePoint };

async function bodyText(header: FrameHeader, body: Uint8Array): Promise<string> {
  if (!header.compressed) return new TextDecoder().decode(body);
  const inflated = new Blob([body as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(inflated).text();
}

function isEvent(value: unknown): value is eventWithTime {
  if (typeof value !== 'object' || value === null) return false;
  const { type, timestamp } = value as { type?: unknown; timestamp?: unknown };
  return typeof type === 'number' && typeof timestamp === 'number';
}

function isPoint(value: unknown): value is PagePoint {
  if (typeof value !== 'object' || value === null) return false;
  const { x, y } = value as { x?: unknown; y?: unknown };
  return typeof x === 'number' && Number.isFinite(x) && typeof y === 'number' && Number.isFinite(y);
}

export type FrameResult =
  | { ok: true; frame: PageFrame }
  /** sequenced: the unreadable frame was a snapshot or delta, so the replica missed something */
  | { ok: false; sequenced: boolean }
  /** a kind the console has no use for (control results arrive as JSON) */
  | { ok: true; frame: null };

export async function readPageFrame(bytes: Uint8Array): Promise<FrameResult> {
  const header = decodeFrameHeader(bytes);
  if (!header) return { ok: false, sequenced: false };
  const sequenced = header.kind === FRAME_KIND.SNAPSHOT || header.kind === FRAME_KIND.DELTA;
  if (!sequenced && header.kind !== FRAME_KIND.POINTER) return { ok: true, frame: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await bodyText(header, frameBody(bytes)));
  } catch {
    return { ok: false, sequenced };
  }
  if (header.kind === FRAME_KIND.POINTER) {
    return isPoint(parsed) ? { ok: true, frame: { kind: 'pointer', point: { x: parsed.x, y: parsed.y } } } : { ok: false, sequenced };
  }
  if (!Array.isArray(parsed) || !parsed.every(isEvent)) return { ok: false, sequenced };
  return { ok: true, frame: { kind: header.kind === FRAME_KIND.SNAPSHOT ? 'snapshot' : 'delta', seq: header.seq, events: parsed } };
}
