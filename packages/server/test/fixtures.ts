import type { TestServer } from './test-server.ts';

/** What the fixtures need of a server: its API (an in-process test server or a child process). */
type ApiOf = Pick<TestServer, 'api'>;

export const SHOP_ORIGIN = 'https://shop.example.test';

let counter = 0;
/** A unique call id per test, as a dialer would make. */
export const callId = (label = 'call') => `${label}-${process.pid}-${++counter}-${Date.now().toString(36)}`;

export async function createDeployment(s: ApiOf, origins = [SHOP_ORIGIN]) {
  const res = await s.api('POST', '/v1/deployments', { name: 'Acme shop', companyName: 'Acme', allowedOrigins: origins });
  if (res.status !== 201) throw new Error(`deployment: ${res.text}`);
  return res.body as { id: string; key: string; identitySecret: string };
}

export async function connectedCall(s: ApiOf, customer: Record<string, string> = {}, id = callId()) {
  const res =
    await s.api('PUT', `/v1/conversations/${id}`, { state: 'connected', customer: { id: `cust-${id}`, ...customer }, agent: { id: 'agent-7', name: 'Dana' } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`conversation: ${res.text}`);
  return res.body as { id: string; customer: { id: string; phone?: string } };
}

/** Events of a conversation so far, oldest first. */
export async function eventsOf(s: ApiOf, conversationId: string) {
  const res = await s.api('GET', `/v1/events?conversationId=${encodeURIComponent(conversationId)}&limit=1000`);
  return (res.body.data as { type: string; data: Record<string, unknown>; seq: number; sessionId: string | null; inviteId: string | null }[]);
}

export async function waitUntil<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
