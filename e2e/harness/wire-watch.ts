// What the page put on the network, as Chromium itself saw it (CDP), independent of any server
// we run: WebSocket frames sent and request bodies. This is the check "nothing on the wire" uses.
import type { Page } from 'playwright-core';
import { decodeFrameHeader, frameBody } from '@tandem/protocol';
import { inflateRawSync } from 'node:zlib';

export interface SentFrame {
  /** 1 text, 2 binary */
  opcode: number;
  /** text as sent, or a binary frame's body, inflated when its header says it is compressed */
  text: string;
  /** the relay frame kind of a binary frame */
  kind: number | null;
  compressed: boolean;
}

/** Binary frames arrive base64-encoded from CDP; page frames are decoded so a search sees the text. */
export function decodeSentFrame(opcode: number, payload: string): SentFrame {
  if (opcode !== 2) return { opcode, text: payload, kind: null, compressed: false };
  const bytes = new Uint8Array(Buffer.from(payload, 'base64'));
  const header = decodeFrameHeader(bytes);
  if (!header) return { opcode, text: Buffer.from(bytes).toString('utf8'), kind: null, compressed: false };
  const body = Buffer.from(frameBody(bytes));
  return { opcode, text: (header.compressed ? inflateRawSync(body) : body).toString('utf8'), kind: header.kind, compressed: header.compressed };
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
  session.on('Network.webSocketFrameReceived', (event) => {
    if (event.response.opcode === 1) received.push(event.response.payloadData);
  });
  session.on('Network.webSocketFrameSent', (event) => {
    const frame = decodeSentFrame(event.response.opcode, event.response.payloadData);
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
