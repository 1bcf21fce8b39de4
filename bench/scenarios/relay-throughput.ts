import { spawn } from 'node:child_process';
import { FRAME_KIND, encodeFrame } from '@tandem/protocol';
import type { BenchRow } from '../harness/result-table.ts';
import { openWs, pumpFrames } from '../harness/frame-pump.ts';
import { startServerProcess } from '../harness/server-process.ts';
import { BenchApi, benchDeployment, openLiveSession } from '../harness/tandem-setup.ts';

const BASELINE = new URL('../baselines/bare-ws-pipe.ts', import.meta.url).pathname;

/** Messages and megabytes per second through one session, against a bare ws pipe. */
export async function relayThroughput(opts: { frames: number; frameBytes: number }): Promise<BenchRow[]> {
  const body = new Uint8Array(opts.frameBytes).fill(97);
  // Every 1000th frame is a full snapshot, as the SDK's checkpoints are: without one, the relay's
  // bounded buffer (4 MiB of deltas) fills and it asks the page for a snapshot and waits for it.
  const frame = (i: number) => encodeFrame(i % 1000 === 0 ? FRAME_KIND.SNAPSHOT : FRAME_KIND.DELTA, i, body);

  // Tandem: capture socket -> relay -> agent socket.
  const server =
    await startServerProcess({ CAPTURE_MAX_FRAMES_PER_SECOND: '1000000', CAPTURE_MAX_BYTES_PER_SECOND: '1073741824', CAPTURE_BURST_BYTES: '1073741824' });
  let tandem: { seconds: number; bytes: number };
  try {
    const api = await new BenchApi(server.url, server.clientId, server.clientSecret).login();
    const dep = await benchDeployment(api);
    const live = await openLiveSession(api, dep, 'throughput-1');
    const wsUrl = server.url.replace(/^http/, 'ws');
    const capture = await openWs(`${wsUrl}/v1/capture`);
    capture.send(JSON.stringify({ type: 'auth', token: live.captureToken }));
    await new Promise((r) => capture.once('message', r));
    const agent = await openWs(`${wsUrl}/v1/agent`);
    agent.send(JSON.stringify({ type: 'auth', token: live.agentToken }));
    capture.send(encodeFrame(FRAME_KIND.SNAPSHOT, 1, body), { binary: true });
    await new Promise<void>((resolve) => agent.on('message', (_d, isBinary) => isBinary && resolve()));
    agent.removeAllListeners('message');
    tandem = await pumpFrames(capture, agent, (i) => frame(i + 1), opts.frames);
    capture.close();
    agent.close();
    live.page.close();
  } finally {
    await server.stop();
  }

  // Baseline: a bare ws pipe in its own process.
  const child = spawn(process.execPath, ['--import', 'tsx', BASELINE], { stdio: ['ignore', 'pipe', 'inherit'] });
  let baseline: { seconds: number; bytes: number };
  try {
    const port = await new Promise<number>((resolve) => child.stdout!.on('data', (d) => {
      const m = /PORT=(\d+)/.exec(String(d));
      if (m) resolve(Number(m[1]));
    }));
    const sender = await openWs(`ws://127.0.0.1:${port}`);
    const receiver = await openWs(`ws://127.0.0.1:${port}`);
    baseline = await pumpFrames(sender, receiver, (i) => frame(i), opts.frames);
    sender.close();
    receiver.close();
  } finally {
    child.kill();
  }

  const tMsgs = opts.frames / tandem.seconds;
  const bMsgs = opts.frames / baseline.seconds;
  const tMb = tandem.bytes / tandem.seconds / 1e6;
  const bMb = baseline.bytes / baseline.seconds / 1e6;
  return [
    { scenario: 'relay throughput', metric: `messages/s (${opts.frameBytes} B frames)`, tandem: tMsgs, baseline: bMsgs, unit: 'msg/s', better: 'higher',
      target: '≥ 0.6×', met: tMsgs / bMsgs >= 0.6 },
    { scenario: 'relay throughput', metric: 'MB/s', tandem: tMb, baseline: bMb, unit: 'MB/s', better: 'higher', target: '≥ 0.6×', met: tMb / bMb >= 0.6 },
  ];
}
