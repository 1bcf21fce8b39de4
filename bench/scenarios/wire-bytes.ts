import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { FRAME_KIND, decodeFrameHeader } from '@tandem/protocol';
import type { BenchRow } from '../harness/result-table.ts';
import type { LiveStack, WireFrame } from '../harness/live-stack.ts';
import type { RecordedStream } from '../harness/recorded-stream.ts';

export const RECORDED_STREAM = fileURLToPath(new URL('../fixtures/recorded-stream.json', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A customer browsing for `durationMs`: typing in fields, moving the mouse, scrolling, while a
 * price table updates itself every second. The same script for both pages, run side by side.
 */
async function browse(page: Page, durationMs: number) {
  await page.evaluate(() => (window as unknown as { benchTable: { start(ms: number, cells: number): number } }).benchTable.start(1000, 5));
  const end = Date.now() + durationMs;
  const phrases = ['Jordan Rivera', 'Springfield', 'Please leave the parcel with the neighbour at number 12.'];
  for (let step = 0; Date.now() < end; step++) {
    switch (step % 4) {
      case 0:
      case 2: {
        const field = ['#name', '#city', '#notes'][(step / 2) % 3]!;
        await page.click(field);
        await page.keyboard.press('Control+A');
        await page.keyboard.type(phrases[(step / 2) % 3]!, { delay: 110 });
        break;
      }
      case 1:
        for (let k = 0; k < 30 && Date.now() < end; k++) {
          await page.mouse.move(300 + k * 15, 200 + ((k * 37) % 300));
          await sleep(33);
        }
        break;
      case 3:
        for (let k = 0; k < 6 && Date.now() < end; k++) {
          await page.mouse.wheel(0, k < 3 ? 400 : -400);
          await sleep(250);
        }
        break;
    }
    await sleep(800);
  }
}

function bytesOf(frames: WireFrame[], from: number) {
  return frames.filter((f) => f.t >= from).reduce((a, f) => a + f.bytes.byteLength, 0);
}

/**
 * Bytes per minute as the customer's page sends them: Tandem's capture socket (binary frames,
 * deflated in the page, pointer frames apart) against plain rrweb's JSON events on the bare relay.
 * Both counts include the session's first full snapshot.
 */
export async function wireBytes(stack: LiveStack, opts: { durationMs: number; record: boolean }): Promise<BenchRow[]> {
  const [tc, bc] = await Promise.all([stack.tandemCustomer('/pages/live.html?metered=1'), stack.baselineCustomer('/pages/live.html')]);
  await sleep(300);
  const t0 = Date.now() - 60_000;
  const start = Date.now();
  await Promise.all([browse(tc.page, opts.durationMs), browse(bc.page, opts.durationMs)]);
  await sleep(500);
  const minutes = (Date.now() - start) / 60_000;
  // Everything each page sent since it started sharing (its first snapshot included). Tandem: the
  // capture socket's TCP bytes, as they cross the wire (WebSocket framing and any compression the
  // browser negotiated included); baseline: rrweb's JSON events as sent (payloads only).
  const tBytes = stack.meter.clientBytes('/v1/capture');
  const tPayload = bytesOf(tc.wire, t0);
  const bBytes = bytesOf(bc.wire, t0);
  if (opts.record) writeRecording(tc.wire);
  await Promise.all([tc.context.close(), bc.context.close()]);
  const tFrames = tc.wire.filter((f) => f.binary).length;
  const kinds = ['', 'snapshot', 'delta', 'pointer', 'control'];
  const split = new Map<string, number>();
  for (const f of tc.wire) {
    const h = f.binary ? decodeFrameHeader(f.bytes) : null;
    const k = h ? `${kinds[h.kind]}${h.compressed ? ` (deflated${h.kind === FRAME_KIND.DELTA ? `, stream ${h.stream}` : ''})` : ''}` : 'json';
    split.set(k, (split.get(k) ?? 0) + f.bytes.byteLength);
  }
  const bsplit = new Map<string, number>();
  for (const f of bc.wire) {
    const k = /"type":(\d+)(?:,"data":\{"source":(\d+))?/.exec(f.bytes.toString('utf8', 0, 40));
    const key = k ? `type ${k[1]}${k[2] ? `/${k[2]}` : ''}` : 'other';
    bsplit.set(key, (bsplit.get(key) ?? 0) + f.bytes.byteLength);
  }
  process.stderr.write(
    `bench: bytes, Tandem by frame kind: ${JSON.stringify(Object.fromEntries(split))}\nbench: bytes, baseline by rrweb event ` +
      `type/source: ${JSON.stringify(Object.fromEntries(bsplit))}\n`);
  return [
    { scenario: 'bytes on the wire', metric: `per minute, ${Math.round(minutes * 60)} s scripted session`, tandem: tBytes / 1024 / minutes,
      baseline: bBytes / 1024 / minutes, unit: 'KiB/min', better: 'lower', target: '≤ 0.25×', met: tBytes <= 0.25 * bBytes,
        note: `${tFrames} frames vs ${bc.wire.length} events; Tandem frame payloads ${(tPayload / 1024 / minutes).toFixed(1)} KiB/min` },
  ];
}

/** Keeps what the real SDK sent as bench/fixtures/recorded-stream.json (sessions scenario). */
function writeRecording(wire: WireFrame[]) {
  const frames = wire.filter((f) => f.binary);
  const first = frames[0]!.t;
  const rec: RecordedStream = {
    recordedAt: new Date().toISOString(),
    source: 'bench/scenarios/wire-bytes.ts: the real SDK in Chromium on bench/fixtures/pages/live.html, scripted browsing',
    durationMs: frames[frames.length - 1]!.t - first,
    frames: frames.map((f) => {
      const header = decodeFrameHeader(f.bytes);
      return {
        at: f.t - first,
        kind: header?.kind ?? 0,
        compressed: header?.compressed ?? false,
        bytes: f.bytes.byteLength,
        // Bodies of small frames as they were; larger ones are replayed as filler of the same size.
        ...(f.bytes.byteLength <= 1024 ? { body: f.bytes.subarray(5).toString('base64') } : {}),
      };
    }),
  };
  writeFileSync(RECORDED_STREAM, `${JSON.stringify(rec)}\n`);
}
