import { FRAME_KIND, encodeFrame } from '@tandem/protocol';
import { createDeployment } from '../fixtures.ts';
import { RelayClient } from '../relay-clients.ts';
import { startedSession } from '../started-session.ts';
import type { TandemProcess } from './tandem-process.ts';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** A sharing page and its agent on one node: the page's frames must keep reaching the agent. */
export interface LiveRelay {
  conversationId: string;
  sessionId: string;
  capture: RelayClient;
  agent: RelayClient;
  agentToken: string;
  captureToken: string;
  /** Sends the next delta from the page and waits until the agent has it byte for byte. */
  frameArrives(timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openLiveRelay(t: TandemProcess): Promise<LiveRelay> {
  const dep = await createDeployment(t);
  const started = await startedSession(t, dep);
  const { call, page } = started;
  const agentToken = (await t.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body.token as string;
  const capture = await RelayClient.open(t.url, '/v1/capture');
  capture.send({ type: 'auth', token: started.captureToken });
  await capture.jsonOf('ready', 15_000);
  const agent = await RelayClient.open(t.url, '/v1/agent');
  agent.send({ type: 'auth', token: agentToken });
  await agent.jsonOf('ready', 15_000);
  let seq = 1;
  const snapshot = encodeFrame(FRAME_KIND.SNAPSHOT, seq, json([{ type: 2, data: { node: 'the page' } }]));
  capture.sendFrame(snapshot);
  await agent.until(() => agent.frames.some((f) => Buffer.from(f).equals(Buffer.from(snapshot))), 15_000, 'the snapshot');
  return {
    conversationId: call.id,
    sessionId: started.sessionId,
    capture,
    agent,
    agentToken,
    captureToken: started.captureToken,
    async frameArrives(timeoutMs = 10_000) {
      const frame = Buffer.from(encodeFrame(FRAME_KIND.DELTA, ++seq, json([{ type: 3, data: { text: `typed ${seq}` } }])));
      capture.sendFrame(frame);
      await agent.until(() => agent.frames.some((f) => Buffer.from(f).equals(frame)), timeoutMs, `delta ${seq} at the agent`);
    },
    close() {
      capture.close();
      agent.close();
      page.close();
    },
  };
}
