import WebSocket from 'ws';
import { SignJWT } from 'jose';
import type { ConsentShown, PromptInvite, VisitorClientMessage, VisitorServerMessage } from '@tandem/protocol';

type Outgoing = VisitorClientMessage extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never;

/**
 * A customer's page speaking the visitor protocol over a real WebSocket, as the browser SDK does.
 * Tests (and the Python example's test) use it to answer invites.
 */
export class VisitorClient {
  readonly received: VisitorServerMessage[] = [];
  private seq = 0;
  private readonly sessionInvites = new Map<string, string>();
  private waiters: { match: (m: VisitorServerMessage) => boolean; resolve: (m: VisitorServerMessage) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket, private readonly replyTimeoutMs: number) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as VisitorServerMessage;
      this.received.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(m)) return true;
        w.resolve(m);
        return false;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /**
   * `localAddress` (e.g. 127.0.0.7) makes the page another source address on loopback; `headers` are added to the
   * handshake (X-Forwarded-For, as a balancer would set it); `replyTimeoutMs` (default 5 s) is how long a reply may take
   * (a benchmark setting up thousands of sessions on a busy machine waits longer).
   */
  static async connect(baseUrl: string, deploymentKey: string, origin: string,
    opts: { hello?: boolean; localAddress?: string; headers?: Record<string, string>; replyTimeoutMs?: number } = {}): Promise<VisitorClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/visitor?deployment=${encodeURIComponent(deploymentKey)}`,
      { origin, headers: { 'user-agent': 'VisitorClient/1 (test)', ...opts.headers }, localAddress: opts.localAddress });
    const client = new VisitorClient(ws, opts.replyTimeoutMs ?? 5000);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (opts.hello !== false) await client.request({ type: 'hello', v: 1, url: `${origin}/` });
    return client;
  }

  /** Sends a message with the next seq; resolves with the reply (`re` = seq) or an error reply. */
  async request(msg: Outgoing): Promise<VisitorServerMessage> {
    const seq = ++this.seq;
    const reply = this.next((m) => 're' in m && m.re === seq);
    this.ws.send(JSON.stringify({ ...msg, seq }));
    return reply;
  }

  sendRaw(data: string | Buffer) {
    this.ws.send(data);
  }

  /** Resolves with the next message (already received or coming) that matches. */
  next(match: (m: VisitorServerMessage) => boolean, timeoutMs = this.replyTimeoutMs): Promise<VisitorServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching visitor message within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Waits for a message of this type, including one that already arrived. */
  async waitFor<T extends VisitorServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<VisitorServerMessage, { type: T }>> {
    const seen = this.received.find((m) => m.type === type);
    if (seen) return seen as Extract<VisitorServerMessage, { type: T }>;
    return (await this.next((m) => m.type === type, timeoutMs)) as Extract<VisitorServerMessage, { type: T }>;
  }

  async identify(identitySecret: string, customerId: string, expiresIn = '10m') {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(customerId).setIssuedAt().setExpirationTime(expiresIn).sign(
      new TextEncoder().encode(identitySecret));
    return this.request({ type: 'identify', token });
  }

  /** The invite as the server sent it to this page (pushed, or the answer to a link or code). */
  promptFor(inviteId: string): PromptInvite | undefined {
    for (const m of this.received) if (m.type === 'invite' && m.invite.inviteId === inviteId) return m.invite;
    return undefined;
  }

  /** What an honest prompt for this invite shows: its company, agent and phrase, in its text. */
  shownFor(inviteId: string): ConsentShown {
    const p = this.promptFor(inviteId);
    if (!p) return SHOWN;
    return { companyName: p.companyName, agentName: p.agentName, phrase: p.phrase,
      text: `Share this tab with ${p.agentName}?\n${p.agentName} from ${p.companyName} will see this tab.\nCheck that your agent sees the same ` +
        `words: ${p.phrase}`, locale: 'en', version: 'test-1', clickedAt: new Date().toISOString() };
  }

  /** Opens the prompt and clicks Share, as the SDK does. */
  async acceptInvite(inviteId: string, shown: Partial<ConsentShown> = {}) {
    const opened = await this.request({ type: 'invite.open', inviteId });
    if (opened.type === 'error') return opened;
    // Opened, so it was offered to this page; a pushed invite may still be on its way over the socket.
    if (!this.promptFor(inviteId)) await this.next((m) => m.type === 'invite' && m.invite.inviteId === inviteId).catch(() => undefined);
    const started = await this.request({ type: 'invite.accept', inviteId, shown: { ...this.shownFor(inviteId), ...shown } });
    if (started.type === 'session.started') this.sessionInvites.set(started.sessionId, inviteId);
    return started;
  }

  /** Clicks "Allow control" on the control prompt of a session this page accepted. */
  async acceptControl(sessionId: string, shown: Partial<ConsentShown> = {}) {
    const p = this.promptFor(this.sessionInvites.get(sessionId) ?? '');
    const honest: ConsentShown = p
      ? { companyName: p.companyName, agentName: p.agentName, phrase: p.phrase,
        text: `${p.companyName} · secure screen sharing\nLet ${p.agentName} click and type for you?`, locale: 'en', version: 'test-1',
          clickedAt: new Date().toISOString() }
      : SHOWN;
    return this.request({ type: 'control.accept', sessionId, shown: { ...honest, ...shown } });
  }

  close() {
    this.ws.close();
  }
}

export const SHOWN: ConsentShown = { companyName: 'Acme', agentName: 'Dana', phrase: 'calm otter', text: 'Dana from Acme will see this tab.' };
