// What the page put on the network, as Chromium itself saw it (CDP), independent of any server
// we run: WebSocket frames sent and request bodies. This is the check "nothing on the wire" uses.
import type { Page } from 'playwright-core';
import { FRAME_KIND, decodeFrameHeader, frameBody } from '@tandem/protocol';
import { FrameInflater } from '@tandem/protocol/frame-stream';

export interface SentFrame {
  /** 1 text, 2 binary */
  opcode: number;
  /** text as sent, or a binary frame's body, inflated (from its socket's stream) when compressed */
  text: string;
  /** the relay frame kind of a binary frame */
  kind: number | null;
  compressed: boolean;
  /** which of the page's delta streams a compressed delta continued (see frame-stream.ts) */
  stream: 0 | 1;
  /** a compressed body that did not follow its stream (should never happen) */
  unreadable?: boolean;
}

/**
 * Binary frames arrive base64-encoded from CDP; page frames are decoded so a search sees the text.
 * Compressed bodies are pieces of their socket's deflate stream: one inflater per socket, fed every
 * frame in order. A piece that cannot be inflated is kept as its raw bytes and marked, so a test
 * that searches the text can refuse to pass on frames it could not read.
 */
export function decodeSentFrame(opcode: number, payload: string, inflater = new FrameInflater()): SentFrame {
  if (opcode !== 2) return { opcode, text: payload, kind: null, compressed: false, stream: 0 };
  const bytes = new Uint8Array(Buffer.from(payload, 'base64'));
  const header = decodeFrameHeader(bytes);
  if (!header) return { opcode, text: Buffer.from(bytes).toString('utf8'), kind: null, compressed: false, stream: 0 };
  const sequenced = header.kind === FRAME_KIND.SNAPSHOT || header.kind === FRAME_KIND.DELTA;
  let body = frameBody(bytes);
  let unreadable = false;
  if (sequenced) {
    try {
      body = inflater.read(body, header.seq, header.kind === FRAME_KIND.SNAPSHOT, header.compressed, header.stream);
    } catch {
      unreadable = true;
    }
  }
  const text = Buffer.from(body).toString('utf8');
  return { opcode, text, kind: header.kind, compressed: header.compressed, stream: header.stream, ...(unreadable ? { unreadable } : {}) };
}

export interface WireWatch {
  /** WebSocket frames (decoded, see decodeSentFrame), request URLs and request bodies */
  sent(): string[];
  frames(): SentFrame[];
  requests(): string[];
  /** text WebSocket frames the page received */
  received(): string[];
  stop(): Promise<void>;
}

export async function watchWire(page: Page): Promise<WireWatch> {
  const session = await page.context().newCDPSession(page);
  const sent: string[] = [];
  const frames: SentFrame[] = [];
  const requests: string[] = [];
  const received: string[] = [];
  const inflaters = new Map<string, FrameInflater>();
  session.on('Network.webSocketFrameReceived', (event) => {
    if (event.response.opcode === 1) received.push(event.response.payloadData);
  });
  session.on('Network.webSocketFrameSent', (event) => {
    let inflater = inflaters.get(event.requestId);
    if (!inflater) inflaters.set(event.requestId, (inflater = new FrameInflater()));
    const frame = decodeSentFrame(event.response.opcode, event.response.payloadData, inflater);
    frames.push(frame);
    sent.push(frame.text);
  });
  session.on('Network.requestWillBeSent', (event) => {
    sent.push(event.request.url);
    requests.push(event.request.url);
    if (event.request.postData) sent.push(event.request.postData);
  });
  await session.send('Network.enable');
  return {
    sent: () => sent.slice(),
    frames: () => frames.slice(),
    requests: () => requests.slice(),
    received: () => received.slice(),
    stop: () => session.detach(),
  };
}
