import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { CLOSE_CODES, FRAME_KIND, encodeFrame, encodePointer } from '@tandem/protocol';
import { DEFAULT_RELAY_LIMITS, sessionMemoryBound } from '../src/realtime/session-relay.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import { createDeployment } from './fixtures.ts';
import { RelayClient } from './relay-clients.ts';
import { startedSession } from './started-session.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

/** Buffers held by this process (the server runs in it) after a full collection. */
function heldBuffers(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

describe('relay abuse: a hostile page and an agent who stops reading', () => {
  let s: TestServer;
  let dep: { key: string; identitySecret: string };
  const bound = sessionMemoryBound(DEFAULT_RELAY_LIMITS, 1);
  before(async () => {
    s = await startTestServer('pglite');
    dep = await createDeployment(s);
  });
  after(async () => s?.close());

  /** A live session with its capture socket authenticated and one agent who has the first snapshot and then stops reading. */
  async function sessionWithStalledAgent() {
    const { call, page, captureToken } = await startedSession(s, dep);
    const agentToken = (await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-slow', conversationId: call.id })).body.token as string;
    const cap = await RelayClient.open(s.url, '/v1/capture');
    cap.send({ type: 'auth', token: captureToken });
    await cap.jsonOf('ready');
    const agent = await RelayClient.open(s.url, '/v1/agent');
    agent.send({ type: 'auth', token: agentToken });
    await agent.jsonOf('ready');
    cap.sendFrame(encodeFrame(FRAME_KIND.SNAPSHOT, 1, new Uint8Array(1024)));
    await agent.until(() => agent.frames.length >= 1, 5000, 'the first snapshot');
    agent.ws.pause();
    return { page, cap, agent };
  }

  /** Sends frames one after the other (never more than one queued here) until the socket closes or `frames` ran out. */
  async function flood(cap: RelayClient, frames: Iterable<Uint8Array>): Promise<{ sentBytes: number; closed: { code: number; reason: string } | null }> {
    let closed: { code: number; reason: string } | null = null;
    void cap.closed.then((c) => (closed = c));
    let sentBytes = 0;
    for (const f of frames) {
      if (closed || cap.ws.readyState !== cap.ws.OPEN) break;
      await new Promise<void>((resolve) => cap.ws.send(f, { binary: true }, () => resolve()));
      sentBytes += f.byteLength;
    }
    // What was sent last is read (or refused) by the server before it answers this ping.
    await Promise.race([cap.closed,
      new Promise<void>((resolve) => (cap.ws.readyState === cap.ws.OPEN ? cap.ws.ping(undefined, undefined, () => setTimeout(resolve, 500)) : resolve()))]);
    return { sentBytes, closed };
  }

  async function peakMetric(): Promise<number> {
    const text = (await s.api('GET', '/metrics', undefined, { token: null })).text;
    const m = /^tandem_relay_session_peak_bytes (\d+)/m.exec(text);
    assert.ok(m, 'the relay reports what its sessions hold');
    return Number(m[1]);
  }

  test('1 MiB pointer frames: the first is refused and the page cut off; nothing queues for the stalled agent', async () => {
    const { page, cap, agent } = await sessionWithStalledAgent();
    const before = heldBuffers();
    const big = encodeFrame(FRAME_KIND.POINTER, 0, new Uint8Array(MiB));
    const result = await flood(cap, Array.from({ length: 48 }, () => big));
    const grew = heldBuffers() - before;
    assert.deepEqual(await Promise.race([cap.closed, new Promise((r) => setTimeout(() => r('still open'), 2000))]),
      { code: CLOSE_CODES.MALFORMED_MESSAGE.code, reason: CLOSE_CODES.MALFORMED_MESSAGE.reason });
    assert.ok(result.sentBytes < 16 * big.byteLength, `the page was cut off at once, not after ${result.sentBytes} bytes`);
    assert.ok(grew < bound, `server buffers grew by ${(grew / MiB).toFixed(1)} MiB; the bound is ${(bound / MiB).toFixed(1)} MiB`);
    const peak = await peakMetric();
    assert.ok(peak <= bound);
    console.log(
      `1 MiB pointer flood: offered ${(result.sentBytes / MiB).toFixed(1)} MiB, session peak ${(peak / MiB).toFixed(2)} MiB, buffers ` +
        `grew ${(grew / MiB).toFixed(2)} MiB, bound ${(bound / MiB).toFixed(1)} MiB`);
    agent.ws.resume();
    agent.close();
    page.close();
  });

  test('a flood of valid frames past the bytes-per-second budget: memory stays under the bound and the page is cut off by name', async () => {
    const { page, cap, agent } = await sessionWithStalledAgent();
    const before = heldBuffers();
    const delta = new Uint8Array(MiB).fill(100);
    let seq = 1;
    // 96 MiB offered, far more than the 16 MiB burst and 1 MiB/s; a pointer move between deltas.
    const frames = function* () {
      for (let i = 0; i < 96; i++) {
        yield encodeFrame(FRAME_KIND.DELTA, ++seq, delta);
        yield encodePointer(i, i);
      }
    };
    const result = await flood(cap, frames());
    const peak = await peakMetric();
    const grew = heldBuffers() - before;
    assert.deepEqual(result.closed ?? (await Promise.race([cap.closed, new Promise((r) => setTimeout(() => r('still open'), 2000))])),
      { code: CLOSE_CODES.BYTE_RATE_EXCEEDED.code, reason: CLOSE_CODES.BYTE_RATE_EXCEEDED.reason });
    assert.ok(result.sentBytes < 64 * MiB, `cut off after ${(result.sentBytes / MiB).toFixed(1)} MiB`);
    assert.ok(peak <= bound, `the session held at most ${(peak / MiB).toFixed(1)} MiB; the bound is ${(bound / MiB).toFixed(1)} MiB`);
    assert.ok(grew < bound, `server buffers grew by ${(grew / MiB).toFixed(1)} MiB; the bound is ${(bound / MiB).toFixed(1)} MiB`);
    console.log(
      `bytes-per-second flood: offered ${(result.sentBytes / MiB).toFixed(1)} MiB, session peak ${(peak / MiB).toFixed(2)} MiB, buffers ` +
        `grew ${(grew / MiB).toFixed(2)} MiB, bound ${(bound / MiB).toFixed(1)} MiB`);
    agent.ws.resume();
    agent.close();
    page.close();
  });
});
