// A share of the simulated live sessions of the sessions-per-machine scenario, on its own thread
// (or, with LoadWorker's `process`, in a forked process of its own: each socket is a file
// descriptor, and one process may hold ~20,000) so that the load generator's event loop is not
// what the latency measures. Each session's capture and agent sockets are in the same worker: one
// clock per pair. Sessions belong to a group (e.g. Tandem's server and a bare relay driven by the
// same generator); `activate` picks the group that streams, the others wait where they were.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { FRAME_KIND, decodeFrameHeader, encodeFrame } from '@tandem/protocol';
import { loadRecordedStream, type RecordedStream } from './recorded-stream.ts';

export interface SessionTokens {
  captureToken: string;
  agentToken: string;
  /** Where each end connects (default: the worker's URL): in a cluster, the page and the agent on different nodes. */
  captureUrl?: string;
  agentUrl?: string;
  /** Where an end whose socket dropped connects again, as the SDK and the console do (a cluster's balancer); none: it stays down. */
  reconnectUrl?: string;
}

/** One session's frames from a mark on (see `track`): what reached the agent, and when it came back after a drop. */
export interface SessionRecovery {
  /** When an end's socket first dropped after the mark (Date.now()), else null; and which end. */
  droppedAt: number | null;
  dropped: 'capture' | 'agent' | null;
  /** When the agent next received a frame after that drop, else null. */
  recoveredAt: number | null;
  /** Sequenced frames sent after the mark that never reached the agent: sent before `recoveredAt` (the drop took them), and after it. */
  lostBeforeRecovery: number;
  lostAfterRecovery: number;
  delivered: number;
  /** Close codes of this session's sockets after the mark (a reconnect that was refused says why). */
  closeCodes: number[];
  /** When the dropped end was connected and ready again (Date.now()), else null. */
  reconnectedAt: number | null;
}

export type WorkerCommand =
  | { type: 'start'; sessions: SessionTokens[]; group?: string }
  /** Only this group's sessions stream from now on (null: every group, the default). */
  | { type: 'activate'; group: string | null }
  | { type: 'measure' }
  | { type: 'collect' }
  | { type: 'track' }
  | { type: 'recovery'; settleMs: number }
  | { type: 'stop' };

export type WorkerReply =
  | { type: 'started'; count: number; failed: number }
  | { type: 'measuring' }
  | { type: 'activated' }
  /**
   * `frames`: binary frames the agents of streaming (not paused) sessions received in the window, every kind (a pointer or a delta
   * that was not timed too); `pausedFrames`: those the agents of paused sessions received (another server's backlog).
   */
  | { type: 'collected'; latencies: number[]; frames: number; pausedFrames: number; loopLagP99Ms: number; loopLagMaxMs: number }
  | { type: 'tracking' }
  | { type: 'recovered'; sessions: SessionRecovery[] }
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
    // A socket the server closes first (refused, try again later) fails at once with its close code.
    const closed = (code: number) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`closed with ${code} before ${type}`), { closeCode: code }));
    };
    const on = (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (m['type'] !== type) return;
      clearTimeout(timer);
      ws.off('message', on);
      ws.off('close', closed);
      resolve(m);
    };
    ws.on('message', on);
    ws.once('close', closed);
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
  private stopped = false;
  /** From `track()` on: each sequenced frame's send time (Date.now()) until the agent has it. */
  private tracked: Map<number, number> | null = null;
  private delivered = 0;
  private droppedAt: number | null = null;
  private dropped: 'capture' | 'agent' | null = null;
  private closeCodes: number[] = [];
  private reconnectedAt: number | null = null;
  private captureReady = false;
  private recoveredAt: number | null = null;
  private seq = 0;
  private cursor = 0;
  private loopStart = 0;
  private readonly sent = new Map<number, number>();
  private pointerSeq = 0;
  private pausedAt: number | null = null;
  private readonly pointerSent = new Map<number, number>();
  constructor(readonly live: SessionTokens, private readonly frames: ReturnType<typeof framesOf>, private readonly durationMs: number,
    private readonly sink: Sink) {}

  async start(url: string) {
    await this.openCapture(this.live.captureUrl ?? url);
    await this.openAgent(this.live.agentUrl ?? url);
    // A random point of the recording, so that sessions do not move in step.
    this.cursor = Math.floor(Math.random() * this.frames.length);
    this.loopStart = now() - this.frames[this.cursor]!.at;
  }

  private async openCapture(url: string) {
    const ws = url.replace(/^http/, 'ws');
    // Like the SDK, nothing is streamed on a page socket before the server said `ready`.
    this.captureReady = false;
    this.capture = await open(`${ws}/v1/capture`);
    this.capture.on('error', () => undefined);
    this.capture.send(JSON.stringify({ type: 'auth', token: this.live.captureToken }));
    await nextText(this.capture, 'ready');
    this.captureReady = true;
    this.capture.on('message', (data: Buffer, isBinary) => {
      if (!isBinary && data.toString().includes('"snapshot.request"')) this.sendSnapshot();
    });
    this.capture.once('close', (code: number) => {
      if (this.tracked) this.closeCodes.push(code);
      this.reconnect('capture');
    });
    this.sendSnapshot();
  }

  private async openAgent(url: string) {
    const ws = url.replace(/^http/, 'ws');
    this.agent = await open(`${ws}/v1/agent`);
    this.agent.on('error', () => undefined);
    this.agent.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      // Only the streaming group's frames count: a server that fell behind while it streamed still
      // delivers its backlog after another group took over, and those frames (and their latency)
      // are its own, not the measured server's.
      const counted = this.pausedAt === null;
      if (this.sink.latencies) {
        if (counted) this.sink.frames++;
        else this.sink.pausedFrames++;
      }
      const h = decodeFrameHeader(data);
      if (!h) return;
      let t: number | undefined;
      if (h.kind === FRAME_KIND.POINTER) {
        t = this.pointerSent.get(h.seq);
        this.pointerSent.delete(h.seq);
      } else {
        t = this.sent.get(h.seq);
        this.sent.delete(h.seq);
        if (this.tracked?.delete(h.seq)) this.delivered++;
      }
      if (this.droppedAt !== null && this.recoveredAt === null) this.recoveredAt = Date.now();
      if (t !== undefined && counted) this.sink.latencies?.push(now() - t);
    });
    this.agent.send(JSON.stringify({ type: 'auth', token: this.live.agentToken }));
    await nextText(this.agent, 'ready');
    this.agent.once('close', (code: number) => {
      if (this.tracked) this.closeCodes.push(code);
      this.reconnect('agent');
    });
  }

  /** Like the SDK and the console: a dropped end connects again (through the balancer) until it is back. */
  private reconnect(end: 'capture' | 'agent') {
    const url = this.live.reconnectUrl;
    if (this.stopped || !url) return;
    if (this.tracked && this.droppedAt === null) {
      this.droppedAt = Date.now();
      this.dropped = end;
    }
    const attempt = () => {
      if (this.stopped) return;
      (end === 'capture' ? this.openCapture(url) : this.openAgent(url)).then(
        () => (this.reconnectedAt ??= Date.now()),
        (err: { closeCode?: number }) => {
          if (err.closeCode !== undefined) this.closeCodes.push(err.closeCode);
          setTimeout(attempt, 250);
        },
      );
    };
    setTimeout(attempt, 100);
  }

  track() {
    this.tracked = new Map();
    this.delivered = 0;
    this.droppedAt = null;
    this.dropped = null;
    this.recoveredAt = null;
    this.closeCodes = [];
    this.reconnectedAt = null;
  }

  /** Frames still missing `settleMs` after they were sent count as lost. */
  recovery(settleMs: number): SessionRecovery {
    const cutoff = Date.now() - settleMs;
    let lostBeforeRecovery = 0;
    let lostAfterRecovery = 0;
    for (const at of this.tracked?.values() ?? []) {
      if (at > cutoff) continue;
      if (this.recoveredAt === null || at < this.recoveredAt) lostBeforeRecovery++;
      else lostAfterRecovery++;
    }
    return {
      droppedAt: this.droppedAt, dropped: this.dropped, recoveredAt: this.recoveredAt, lostBeforeRecovery, lostAfterRecovery,
      delivered: this.delivered, closeCodes: this.closeCodes, reconnectedAt: this.reconnectedAt,
    };
  }

  private sendSnapshot() {
    const snap = this.frames.find((f) => f.kind === FRAME_KIND.SNAPSHOT)!;
    this.send(snap.kind, snap.body, snap.compressed);
  }

  private send(kind: number, body: Buffer, compressed: boolean) {
    if (!this.captureReady || this.capture.readyState !== WebSocket.OPEN) return;
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
    this.tracked?.set(seq, Date.now());
    this.capture.send(encodeFrame(kind as 1 | 2, seq, body, compressed));
  }

  /** Stops streaming where it is (t: now()); `resume` goes on from there, without a burst of what fell due meanwhile. */
  pause(t: number) {
    this.pausedAt ??= t;
  }

  resume(t: number) {
    if (this.pausedAt === null) return;
    this.loopStart += t - this.pausedAt;
    this.pausedAt = null;
  }

  /** Sends what is due by now. */
  tick(t: number) {
    if (this.pausedAt !== null) return;
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
    this.stopped = true;
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

/** Where latencies and frame counts go while a window is measured (null latencies: not measuring). */
interface Sink {
  latencies: number[] | null;
  frames: number;
  pausedFrames: number;
}

/** The parent's side: a worker thread's port, or a forked process's IPC channel. */
interface Port {
  data: { url: string; streamFile: string };
  on(handler: (cmd: WorkerCommand) => void): void;
  post(reply: WorkerReply): void;
  close(): void;
}

export const FORKED_FLAG = '--forked-session-worker';

function parentOf(): Port | null {
  if (parentPort) {
    const p = parentPort;
    return { data: workerData as Port['data'], on: (h) => p.on('message', h), post: (r) => p.postMessage(r), close: () => p.close() };
  }
  if (process.send && process.argv.includes(FORKED_FLAG)) {
    // The process goes with its parent: a bench that dies leaves no sockets behind.
    process.on('disconnect', () => process.exit(0));
    return {
      data: JSON.parse(process.argv[process.argv.indexOf(FORKED_FLAG) + 1]!) as Port['data'],
      on: (h) => process.on('message', h),
      post: (r) => process.send!(r),
      // The parent lets go of the channel once it has the last reply (see LoadWorker).
      close: () => undefined,
    };
  }
  return null;
}

const port = parentOf();
if (port) {
  const { url, streamFile } = port.data;
  const rec = loadRecordedStream(streamFile);
  const frames = framesOf(rec);
  const sink: Sink = { latencies: null, frames: 0, pausedFrames: 0 };
  const groups = new Map<string, SimSession[]>();
  let active: string | null = null;
  const streams = (group: string) => active === null || active === group;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const ticker = setInterval(() => {
    const t = now();
    for (const [group, sims] of groups) if (streams(group)) for (const s of sims) s.tick(t);
  }, 10);
  const all = () => [...groups.values()].flat();
  port.on(async (cmd: WorkerCommand) => {
    const reply = (r: WorkerReply) => port.post(r);
    switch (cmd.type) {
      case 'start': {
        const group = cmd.group ?? '';
        const sims = groups.get(group) ?? [];
        groups.set(group, sims);
        let failed = 0;
        await bounded(cmd.sessions, 25, async (tokens) => {
          const s = new SimSession(tokens, frames, rec.durationMs, sink);
          try {
            await s.start(url);
            if (!streams(group)) s.pause(now());
            sims.push(s);
          } catch {
            failed++;
            s.close();
          }
        });
        return reply({ type: 'started', count: sims.length, failed });
      }
      case 'activate': {
        active = cmd.group;
        const t = now();
        for (const [group, sims] of groups) for (const s of sims) if (streams(group)) s.resume(t); else s.pause(t);
        return reply({ type: 'activated' });
      }
      case 'measure':
        sink.latencies = [];
        sink.frames = 0;
        sink.pausedFrames = 0;
        lag.reset();
        return reply({ type: 'measuring' });
      case 'collect': {
        const latencies = sink.latencies ?? [];
        sink.latencies = null;
        return reply({ type: 'collected', latencies, frames: sink.frames, pausedFrames: sink.pausedFrames, loopLagP99Ms: lag.percentile(99) / 1e6,
          loopLagMaxMs: lag.max / 1e6 });
      }
      case 'track':
        for (const s of all()) s.track();
        return reply({ type: 'tracking' });
      case 'recovery':
        return reply({ type: 'recovered', sessions: all().map((s) => s.recovery(cmd.settleMs)) });
      case 'stop':
        clearInterval(ticker);
        for (const s of all()) s.close();
        reply({ type: 'stopped' });
        return port.close();
    }
  });
}
