import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type WebSocket from 'ws';
import { FRAME_KIND, decodeFrameHeader, encodeFrame } from '@tandem/protocol';
import { spawnTandem } from '../../packages/server/test/child-server.ts';
import { OwnRedis } from '../../packages/server/test/faults/own-redis.ts';
import { freshPostgresDatabase } from '../../packages/server/test/postgres-db.ts';
import type { BenchRow } from '../harness/result-table.ts';
import { openWs } from '../harness/frame-pump.ts';
import { summarize } from '../harness/stats.ts';
import { BenchApi, benchDeployment, openLiveSession } from '../harness/tandem-setup.ts';

interface Node {
  url: string;
  child: ChildProcess;
}

/** A page streaming to `pageNode` and its agent's console on `agentNode`, both sockets open, the snapshot delivered. */
async function pair(api: BenchApi, dep: { key: string; identitySecret: string }, pageNode: Node, agentNode: Node, callId: string) {
  const live = await openLiveSession(api, dep, callId);
  const capture = await openWs(`${pageNode.url.replace(/^http/, 'ws')}/v1/capture`);
  capture.send(JSON.stringify({ type: 'auth', token: live.captureToken }));
  await new Promise((r) => capture.once('message', r));
  const agent = await openWs(`${agentNode.url.replace(/^http/, 'ws')}/v1/agent`);
  agent.send(JSON.stringify({ type: 'auth', token: live.agentToken }));
  capture.send(encodeFrame(FRAME_KIND.SNAPSHOT, 1, new Uint8Array(2048).fill(97)), { binary: true });
  await new Promise<void>((resolve) => agent.on('message', (_d, isBinary) => isBinary && resolve()));
  agent.removeAllListeners('message');
  return { capture, agent, close: () => [capture, agent, live.page].forEach((s) => s.close()) };
}

/** Sends one delta and resolves with the milliseconds until the agent has it. */
function hop(capture: WebSocket, agent: WebSocket, seq: number, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`frame ${seq} did not arrive within 10 s`)), 10_000);
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (!isBinary || decodeFrameHeader(data)?.seq !== seq) return;
      clearTimeout(timer);
      agent.off('message', onMessage);
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
    };
    agent.on('message', onMessage);
    const started = process.hrtime.bigint();
    capture.send(encodeFrame(FRAME_KIND.DELTA, seq, body), { binary: true });
  });
}

/**
 * The latency a cross-node hop adds: a frame from the page to an agent's console with both on one
 * node (the baseline) against the page on node A and the agent on node B (through Redis), two
 * `tandem start` processes on one Postgres and a Redis of the scenario's own, samples alternating.
 */
export async function clusterHop(opts: { samples: number; gapMs: number; frameBytes: number }): Promise<BenchRow[]> {
  const redis = await OwnRedis.create();
  const db = await freshPostgresDatabase();
  const dirs: string[] = [];
  const nodes: Node[] = [];
  let printed = '';
  const start = async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-bench-hop-'));
    dirs.push(dir);
    const node = await spawnTandem({ DATA_DIR: dir, DATABASE_URL: db.url, REDIS_URL: redis.url, LOG_LEVEL: 'error' });
    nodes.push(node);
    printed += node.output;
    // Read, so that a full pipe never stalls the node; the first start's credentials follow its banner.
    node.child.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
    node.child.stderr!.resume();
    return node;
  };
  try {
    const a = await start();
    const b = await start();
    const creds = await waitFor(() => /TANDEM_CLIENT_ID=(\S+)\s+TANDEM_CLIENT_SECRET=(\S+)\n/.exec(printed), () => printed);
    const api = await new BenchApi(a.url, creds[1]!, creds[2]!).login();
    const dep = await benchDeployment(api);
    const stamp = Date.now().toString(36);
    const same = await pair(api, dep, a, a, `hop-same-${stamp}`);
    const cross = await pair(api, dep, a, b, `hop-cross-${stamp}`);
    const body = new Uint8Array(opts.frameBytes).fill(98);
    const sameMs: number[] = [];
    const crossMs: number[] = [];
    for (let i = 0; i < opts.samples; i++) {
      // Alternating, so both see the same machine: what differs is the hop through Redis and node B.
      sameMs.push(await hop(same.capture, same.agent, i + 2, body));
      crossMs.push(await hop(cross.capture, cross.agent, i + 2, body));
      await new Promise((r) => setTimeout(r, opts.gapMs));
    }
    same.close();
    cross.close();
    const s = summarize(sameMs);
    const c = summarize(crossMs);
    const note = `${opts.samples} frames of ${opts.frameBytes} B`;
    return [
      { scenario: 'cross-node hop', metric: 'page → agent p50', tandem: c.p50, baseline: s.p50, unit: 'ms', better: 'lower',
        target: 'added ≤ 2 ms', met: c.p50 - s.p50 <= 2, note },
      { scenario: 'cross-node hop', metric: 'page → agent p99', tandem: c.p99, baseline: s.p99, unit: 'ms', better: 'lower', target: 'report', met: null },
      { scenario: 'cross-node hop', metric: 'added by the hop p50 / p99', tandem: c.p50 - s.p50, baseline: null, unit: 'ms', better: 'lower',
        target: 'p50 ≤ 2 ms', met: c.p50 - s.p50 <= 2, note: `p99 added ${(c.p99 - s.p99).toFixed(2)} ms` },
    ];
  } finally {
    for (const n of nodes) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => (n.child.exitCode === null && n.child.signalCode === null ? new Promise((r) => n.child.once('exit', r)) : null)));
    await redis.stop();
    await db.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

async function waitFor<T>(pick: () => T | null, output: () => string): Promise<T> {
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const v = pick();
    if (v) return v;
  }
  throw new Error(`no credentials printed:\n${output()}`);
}
