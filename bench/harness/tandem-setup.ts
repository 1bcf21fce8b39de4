import { SignJWT } from 'jose';
import { VisitorClient } from '../../packages/server/test/visitor-client.ts';

export const BENCH_ORIGIN = 'https://shop.bench.test';

/** A tiny API caller for setting up benchmark state over HTTP, as an integrator would. */
export class BenchApi {
  private token = '';
  constructor(readonly url: string, private readonly clientId: string, private readonly clientSecret: string) {}

  async login() {
    const res = await fetch(`${this.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.clientSecret }) });
    this.token = ((await res.json()) as { access_token: string }).access_token;
    return this;
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, { method, headers:
      { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}

export interface LiveSession {
  sessionId: string;
  captureToken: string;
  agentToken: string;
  page: VisitorClient;
}

/** Deployment for the benchmark site. */
export async function benchDeployment(api: BenchApi) {
  return (await api.call('POST', '/v1/deployments', { name: 'bench', allowedOrigins: [BENCH_ORIGIN] })).body as { key: string; identitySecret: string };
}

/** A connected call whose customer accepted: everything needed to open the relay's two ends. */
export async function openLiveSession(api: BenchApi, dep: { key: string; identitySecret: string }, callId: string): Promise<LiveSession> {
  await api.call('PUT', `/v1/conversations/${callId}`, { state: 'connected', customer: { id: `c-${callId}` }, agent: { id: 'agent', name: 'Agent' } });
  // Thousands of sessions set up on a busy machine: a reply may take longer than a test would wait.
  const page = await VisitorClient.connect(api.url, dep.key, BENCH_ORIGIN, { replyTimeoutMs: 60_000 });
  try {
    await page.identify(dep.identitySecret, `c-${callId}`);
    const inv = (await api.call('POST', '/v1/invites', { conversationId: callId })).body as { id: string };
    const started = await page.acceptInvite(inv.id);
    if (started.type !== 'session.started') throw new Error(`session did not start: ${JSON.stringify(started)}`);
    const agentToken = (await api.call('POST', '/v1/agent-tokens', { agentId: 'agent', conversationId: callId })).body.token as string;
    return { sessionId: started.sessionId, captureToken: started.captureToken, agentToken, page };
  } catch (err) {
    page.close();
    throw err;
  }
}

export async function identityToken(secret: string, sub: string) {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(secret));
}
