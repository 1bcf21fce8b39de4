// A share of the simulated live sessions of the sessions-per-machine scenario, on its own thread
// so that the load generator's event loop is not what the latency measures. Each session's capture
// and agent sockets are in the same worker: one clock per pair.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { FRAME_KIND, decodeFrameHeader, encodeFrame } from '@tandem/protocol';
import { loadRecordedStream, type RecordedStream } from './recorded-stream.ts';

export interface SessionTokens {
  captureToken: string;
  agentToken: string;
}

export type WorkerCommand =
  | { type: 'start'; sessions: SessionTokens[] }
  | { type: 'measure' }
  | { type: 'collect' }
  | { type: 'stop' };

export type WorkerReply =
  | { type: 'started'; count: number; failed: number }
  | { type: 'measuring' }
  | { type: 'collected'; latencies: number[]; loopLagP99Ms: number; loopLagMaxMs: number }
  | { type: 'stopped' };

const now = () => performance.now();

function open(url: string, localAddress?: string): Promise<WebSocket> {
  // Like Chromium, which deflates every message when the server agrees (permessage-deflate).
  const ws = new WebSocket(url, { localAddress, perMessageDeflate: { threshold: 0 } });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextText(ws: WebSocket, type: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const on = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (m['type'] !== type) return;
      clearTimeout(timer);
      ws.off('message', on);
      resolve(m);
    };
    ws.on('message', on);
  });
}

/** Bodies of the recording, ready to send: recorded bytes where kept, filler of the same size otherwise. */
export function framesOf(rec: RecordedStream) {
  return rec.frames.map((f) =>
    ({ at: f.at, kind: f.kind, compressed: f.compressed, body: f.body !== undefined ? Buffer.from(f.body, 'base64') : Buffer.alloc(f.bytes - 5, 0x61) }));
}

/**
 * One simulated live session: a capture socket replaying the recorded stream at its real pace
 * (from a random point, looping), an agent socket receiving it. Latency: sequenced frames are
 * matched by seq; pointer frames carry their send time after the point in their body (the relay does
 * not read bodies).
 */
class SimSession {
  capture!: WebSocket;
  agent!: WebSocket;
  private seq = 0;
  private cursor = 0;
  private loopStart = 0;
  private readonly sent = new Map<number, number>();
  private pointerSeq = 0;
  private readonly pointerSent = new Map<number, number>();
  constructor(readonly live: SessionTokens, private readonly frames: ReturnType<typeof framesOf>, private readonly durationMs: number,
    private readonly sink: { latencies: number[] | null }) {}

  async start(url: string) {
    const ws = url.replace(/^http/, 'ws');
    this.capture = await open(`${ws}/v1/capture`);
    this.capture.on('error', () => undefined);
    this.capture.send(JSON.stringify({ type: 'auth', token: this.live.captureToken }));
    await nextText(this.capture, 'ready');
    this.capture.on('message', (data: Buffer, isBinary) => {
      if (!isBinary && data.toString().includes('"snapshot.request"')) this.sendSnapshot();
    });
    this.sendSnapshot();
    this.agent = await open(`${ws}/v1/agent`);
    this.agent.on('error', () => undefined);
    this.agent.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const h = decodeFrameHeader(data);
      if (!h) return;
      let t: number | undefined;
      if (h.kind === FRAME_KIND.POINTER) {
        t = this.pointerSent.get(h.seq);
        this.pointerSent.delete(h.seq);
      } else {
        t = this.sent.get(h.seq);
        this.sent.delete(h.seq);
      }
      if (t !== undefined) this.sink.latencies?.push(now() - t);
    });
    this.agent.send(JSON.stringify({ type: 'auth', token: this.live.agentToken }));
    await nextText(this.agent, 'ready');
    // A random point of the recording, so that sessions do not move in step.
    this.cursor = Math.floor(Math.random() * this.frames.length);
    this.loopStart = now() - this.frames[this.cursor]!.at;
  }

  private sendSnapshot() {
    const snap = this.frames.find((f) => f.kind === FRAME_KIND.SNAPSHOT)!;
    this.send(snap.kind, snap.body, snap.compressed);
  }

  private send(kind: number, body: Buffer, compressed: boolean) {
    if (this.capture.readyState !== WebSocket.OPEN) return;
    if (kind === FRAME_KIND.POINTER) {
      // The recorded 8-byte point (the relay refuses any other size); the header's sequence
      // number, which the relay passes on but never checks for pointers, finds its send time.
      const id = ++this.pointerSeq;
      this.pointerSent.set(id, now());
      if (this.pointerSent.size > 1000) this.pointerSent.clear();
      this.capture.send(encodeFrame(FRAME_KIND.POINTER, id, body.subarray(0, 8)));
      return;
    }
    const seq = ++this.seq;
    this.sent.set(seq, now());
    if (this.sent.size > 1000) this.sent.clear();
    this.capture.send(encodeFrame(kind as 1 | 2, seq, body, compressed));
  }

  /** Sends what is due by now. */
  tick(t: number) {
    for (;;) {
      const f = this.frames[this.cursor];
      if (!f) {
        this.cursor = 0;
        this.loopStart += this.durationMs + 1000;
        return;
      }
      if (this.loopStart + f.at > t) return;
      this.cursor++;
      this.send(f.kind, f.body, f.compressed);
    }
  }

  close() {
    this.capture?.close();
    this.agent?.close();
  }
}

async function bounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

if (parentPort) {
  const port = parentPort;
  const { url, streamFile } = workerData as { url: string; streamFile: string };
  const rec = loadRecordedStream(streamFile);
  const frames = framesOf(rec);
  const sink: { latencies: number[] | null } = { latencies: null };
  const sims: SimSession[] = [];
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const ticker = setInterval(() => {
    const t = now();
    for (const s of sims) s.tick(t);
  }, 10);
  port.on('message', async (cmd: WorkerCommand) => {
    const reply = (r: WorkerReply) => port.postMessage(r);
    switch (cmd.type) {
      case 'start': {
        let failed = 0;
        await bounded(cmd.sessions, 25, async (tokens) => {
          const s = new SimSession(tokens, frames, rec.durationMs, sink);
          try {
            await s.start(url);
            sims.push(s);
          } catch {
            failed++;
            s.close();
          }
        });
        return reply({ type: 'started', count: sims.length, failed });
      }
      case 'measure':
        sink.latencies = [];
        lag.reset();
        return reply({ type: 'measuring' });
      case 'collect': {
        const latencies = sink.latencies ?? [];
        sink.latencies = null;
        return reply({ type: 'collected', latencies, loopLagP99Ms: lag.percentile(99) / 1e6, loopLagMaxMs: lag.max / 1e6 });
      }
      case 'stop':
        clearInterval(ticker);
        for (const s of sims) s.close();
        reply({ type: 'stopped' });
        return port.close();
    }
  });
}
