// The agent's side of an end-to-end test without the console: a Node WebSocket on /v1/agent,
// authenticated with an agent token, that keeps every JSON message and every page frame (decoded
// and inflated) it receives, so tests can check what actually reached the agent.
import WebSocket from 'ws';
import type { AgentClientMessage, AgentServerMessage } from '@tandem/protocol';
import { FrameInflateError } from '@tandem/protocol/frame-stream';
import { relayFrameDecoder } from './frame-sink.ts';

export interface AgentFrame {
  kind: 'snapshot' | 'delta' | 'pointer';
  seq: number;
  text: string;
}

export interface AgentClient {
  messages(): AgentServerMessage[];
  frames(): AgentFrame[];
  send(message: AgentClientMessage): void;
  waitFor<T extends AgentServerMessage['type']>(type: T, where?: (m: Extract<AgentServerMessage, { type: T }>) => boolean,
    timeoutMs?: number): Promise<Extract<AgentServerMessage, { type: T }>>;
  waitForFrame(where: (f: AgentFrame) => boolean, timeoutMs?: number): Promise<AgentFrame>;
  close(): void;
}

async function poll<T>(read: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`agent: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function connectAgent(tandemUrl: string, token: string): Promise<AgentClient> {
  const ws = new WebSocket(`${tandemUrl.replace(/^http/, 'ws')}/v1/agent`);
  const messages: AgentServerMessage[] = [];
  const frames: AgentFrame[] = [];
  const decode = relayFrameDecoder();
  // After a delta that does not follow (frames lost while a node or Redis was away), the client
  // does what the console does: asks once for a snapshot and skips deltas until it comes.
  let awaitingSnapshot = false;
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      let f: ReturnType<typeof decode>;
      try {
        f = decode(data);
      } catch (err) {
        if (!(err instanceof FrameInflateError)) throw err;
        if (!awaitingSnapshot) ws.send(JSON.stringify({ type: 'snapshot.request', reason: 'agent_gap' } satisfies AgentClientMessage));
        awaitingSnapshot = true;
        return;
      }
      if (f.kind === 'snapshot') awaitingSnapshot = false;
      frames.push({ kind: f.kind, seq: f.seq, text: f.bytes.toString('utf8') });
    } else {
      messages.push(JSON.parse(data.toString('utf8')) as AgentServerMessage);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'auth', token }));
  const client: AgentClient = {
    messages: () => messages.slice(),
    frames: () => frames.slice(),
    send: (m) => ws.send(JSON.stringify(m)),
    waitFor: (type, where = () => true, timeoutMs = 10_000) =>
      poll(() => messages.find((m) => m.type === type && where(m as never)) as never, type, timeoutMs),
    waitForFrame: (where, timeoutMs = 10_000) => poll(() => frames.find(where), 'a frame', timeoutMs),
    close: () => ws.close(),
  };
  await client.waitFor('ready');
  return client;
}

interface SerializedNode {
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/** The rrweb node id of the element with this `id` attribute in the latest snapshot the agent has. */
export function nodeIdInSnapshot(frames: AgentFrame[], elementId: string): number | null {
  const snapshot = frames.filter((f) => f.kind === 'snapshot').at(-1);
  if (!snapshot) return null;
  const events = JSON.parse(snapshot.text) as { type: number; data: { node?: SerializedNode } }[];
  const full = events.find((e) => e.type === 2);
  const walk = (n: SerializedNode | undefined): number | null => {
    if (!n) return null;
    if (n.attributes?.['id'] === elementId) return n.id;
    for (const c of n.childNodes ?? []) {
      const hit = walk(c);
      if (hit !== null) return hit;
    }
    return null;
  };
  return walk(full?.data.node);
}
