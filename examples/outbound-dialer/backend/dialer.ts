// A simulated outbound dialer, and the part of the company backend that tells Tandem about it.
// Everything Tandem-related goes through the typed client, exactly as an integrator writes it:
// the dialer's call id is the conversation id; "Cobrowse" creates an invite bound to that call;
// hanging up disconnects the conversation, which ends any cobrowse of it.
import { randomBytes, randomUUID } from 'node:crypto';
import { TandemApiError, type AgentToken, type Invite, type TandemClient, type TandemEvent } from '@tandem/client';
import { AGENT, customerById, type DemoCustomer } from './customers.ts';
import { HttpError } from './http-responses.ts';

export type CallState = 'dialing' | 'connected' | 'ended';

/** One line of the desk's integration log: a request the backend made, or an event Tandem sent. */
export interface LogEntry {
  /** Increases by one per entry of the call, so a reader can ask for what is new. */
  seq: number;
  at: string;
  direction: 'out' | 'in';
  text: string;
  detail?: string;
}

interface Call {
  id: string;
  customer: DemoCustomer;
  state: CallState;
  startedAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  invite: Invite | null;
  agentToken: AgentToken | null;
  events: TandemEvent[];
  log: LogEntry[];
  logSeq: number;
  feed: AbortController;
  connectTimer: ReturnType<typeof setTimeout> | null;
}

export interface CallView {
  id: string;
  customer: DemoCustomer;
  state: CallState;
  startedAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  invite: Pick<Invite, 'id' | 'state' | 'code' | 'deliveries' | 'expiresAt'> | null;
  /** Where the cobrowse stands, from the events Tandem sent this backend. */
  cobrowse: 'none' | 'invited' | 'opened' | 'sharing' | 'declined' | 'ended';
  endReason: string | null;
  log: LogEntry[];
}

export interface DialerOptions {
  tandem: TandemClient;
  /** Where the shop is: the SMS link opens the customer's landing page there. */
  shopOrigin: string;
  /** How long the simulated phone rings before the customer answers. */
  ringMs?: number;
}

const LOG_LIMIT = 200;
// The event feed of an ended call stays open a little, to receive session.ended and the revokes.
const FEED_LINGER_MS = 15_000;

const now = () => new Date().toISOString();

function describe(event: TandemEvent): { text: string; detail?: string } {
  switch (event.type) {
    case 'conversation.updated':
      return { text: `conversation.updated → ${event.data.state}` };
    case 'invite.delivered':
    case 'invite.delivery_failed':
      return { text: `${event.type} (${event.data.channel})`, detail: event.data.detail ?? undefined };
    case 'session.ended':
      return { text: `session.ended (reason: ${event.data.reason})` };
    default:
      return { text: event.type };
  }
}

export class Dialer {
  private readonly calls = new Map<string, Call>();
  private readonly ringMs: number;
  private closed = false;

  constructor(private readonly options: DialerOptions) {
    this.ringMs = options.ringMs ?? 1_500;
  }

  /** "Call": the dialer rings the customer; Tandem hears about the call from its first state. */
  async dial(customerId: string): Promise<CallView> {
    const customer = customerById(customerId);
    if (!customer) throw new HttpError(404, 'customer_not_found', `No customer ${customerId}`);
    for (const call of this.calls.values()) {
      if (call.state !== 'ended') throw new HttpError(409, 'call_in_progress', `Hang up the call with ${call.customer.name} first.`);
    }
    const id = `call-${randomBytes(4).toString('hex')}`;
    const call: Call = {
      id, customer, state: 'dialing', startedAt: now(), connectedAt: null, endedAt: null,
      invite: null, agentToken: null, events: [], log: [], logSeq: 0, feed: new AbortController(), connectTimer: null,
    };
    this.calls.set(id, call);
    await this.upsert(call, 'dialing');
    this.follow(call);
    // The customer picks up. A real dialer reports this from its telephony events.
    call.connectTimer = setTimeout(() => {
      call.connectTimer = null;
      if (call.state !== 'dialing') return;
      call.state = 'connected';
      call.connectedAt = now();
      this.upsert(call, 'connected').catch((err: unknown) => this.note(call, 'out', 'PUT conversation failed', String(err)));
    }, this.ringMs);
    return this.view(call);
  }

  /**
   * "Cobrowse": an invite for the customer on this call, and a console token for the agent. The
   * desk sends one Idempotency-Key per click, so a retried or doubled click makes one invite.
   */
  async cobrowse(callId: string, idempotencyKey: string | undefined): Promise<{ invite: Invite; agentToken: AgentToken; call: CallView }> {
    const call = this.get(callId);
    if (call.state !== 'connected') throw new HttpError(409, 'call_not_connected', 'Cobrowse is available once the customer has answered.');
    const { tandem, shopOrigin } = this.options;
    const key = idempotencyKey && /^[!-~]{1,200}$/.test(idempotencyKey) ? idempotencyKey : randomUUID();
    const invite = await this.request(call, `POST /v1/invites (Idempotency-Key: ${key.slice(0, 8)}…)`, () =>
      tandem.invites.create({ conversationId: call.id, returnUrl: new URL(call.customer.landingPath, shopOrigin).href }, { idempotencyKey: key }));
    call.invite = invite;
    const deliveries = invite.deliveries.map((d) => `${d.channel}: ${d.state}`).join(', ');
    this.note(call, 'in', `invite ${invite.state}, code ${invite.code}`, deliveries);
    return { invite, agentToken: await this.agentToken(call), call: this.view(call) };
  }

  /**
   * The agent's console for this call, before any invite: it is where the agent types a code
   * the customer reads out ("Get a support code" on the site).
   */
  async console(callId: string): Promise<AgentToken> {
    const call = this.get(callId);
    if (call.state === 'ended') throw new HttpError(409, 'call_ended', 'The call has ended.');
    return this.agentToken(call);
  }

  /** One console token per call; a fresh one once it is close to expiring. */
  private async agentToken(call: Call): Promise<AgentToken> {
    if (!call.agentToken || Date.parse(call.agentToken.expiresAt) - Date.now() < 60_000) {
      call.agentToken =
        await this.request(call, 'POST /v1/agent-tokens', () => this.options.tandem.agentTokens.create({ agentId: AGENT.id, conversationId: call.id }));
    }
    return call.agentToken;
  }

  /** "Hang up": the conversation is disconnected; Tandem revokes invites and ends the cobrowse. */
  async hangUp(callId: string): Promise<CallView> {
    const call = this.get(callId);
    if (call.state === 'ended') return this.view(call);
    if (call.connectTimer) clearTimeout(call.connectTimer);
    call.state = 'ended';
    call.endedAt = now();
    await this.upsert(call, 'disconnected');
    setTimeout(() => call.feed.abort(), FEED_LINGER_MS).unref();
    return this.view(call);
  }

  call(callId: string): CallView {
    return this.view(this.get(callId));
  }

  /** The call still in progress, if any: the desk picks it up again after a reload. */
  current(): CallView | null {
    for (const call of this.calls.values()) if (call.state !== 'ended') return this.view(call);
    return null;
  }

  /** The events Tandem sent for one call, as this backend received them. */
  events(callId: string): TandemEvent[] {
    return [...this.get(callId).events];
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const call of this.calls.values()) {
      if (call.connectTimer) clearTimeout(call.connectTimer);
      call.feed.abort();
    }
  }

  private get(callId: string): Call {
    const call = this.calls.get(callId);
    if (!call) throw new HttpError(404, 'call_not_found', `No call ${callId}`);
    return call;
  }

  private upsert(call: Call, state: 'dialing' | 'connected' | 'disconnected') {
    const { customer } = call;
    return this.request(call, `PUT /v1/conversations/${call.id} {state: ${state}}`, () =>
      this.options.tandem.conversations.upsert(call.id, {
        state,
        customer: { id: customer.id, name: customer.name, phone: customer.phone, email: customer.email },
        agent: { id: AGENT.id, name: AGENT.name },
      }));
  }

  /** Runs one Tandem API call and writes it, and any error, to the call's log. */
  private async request<T>(call: Call, text: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.note(call, 'out', text);
      return result;
    } catch (err) {
      if (err instanceof TandemApiError) {
        this.note(call, 'out', text, `${err.status} ${err.code}: ${err.detail}`);
        throw new HttpError(err.status, err.code, err.detail);
      }
      this.note(call, 'out', text, String(err));
      throw err;
    }
  }

  /** The live event stream for this call; it resumes by itself after a dropped connection. */
  private follow(call: Call): void {
    const stream = this.options.tandem.events.stream({ conversationId: call.id, signal: call.feed.signal });
    void (async () => {
      try {
        for await (const event of stream) {
          call.events.push(event);
          const { text, detail } = describe(event);
          this.note(call, 'in', text, detail);
          this.refreshInvite(call, event);
        }
      } catch (err) {
        if (!call.feed.signal.aborted && !this.closed) this.note(call, 'in', 'event stream stopped', String(err));
      }
    })();
  }

  private refreshInvite(call: Call, event: TandemEvent): void {
    if (!call.invite || event.inviteId !== call.invite.id || !event.type.startsWith('invite.')) return;
    this.options.tandem.invites.get(call.invite.id).then((invite) => {
      call.invite = invite;
    }, () => undefined);
  }

  private note(call: Call, direction: LogEntry['direction'], text: string, detail?: string): void {
    call.log.push({ seq: ++call.logSeq, at: now(), direction, text, ...(detail ? { detail } : {}) });
    if (call.log.length > LOG_LIMIT) call.log.splice(0, call.log.length - LOG_LIMIT);
  }

  private view(call: Call): CallView {
    let cobrowse: CallView['cobrowse'] = call.invite ? 'invited' : 'none';
    let endReason: string | null = null;
    for (const event of call.events) {
      if (event.type === 'invite.created') cobrowse = 'invited';
      else if (event.type === 'invite.opened') cobrowse = 'opened';
      else if (event.type === 'invite.declined') cobrowse = 'declined';
      else if (event.type === 'session.started') cobrowse = 'sharing';
      else if (event.type === 'session.ended') {
        cobrowse = 'ended';
        endReason = typeof event.data['reason'] === 'string' ? event.data['reason'] : null;
      }
    }
    const invite = call.invite;
    return {
      id: call.id,
      customer: call.customer,
      state: call.state,
      startedAt: call.startedAt,
      connectedAt: call.connectedAt,
      endedAt: call.endedAt,
      invite: invite ? { id: invite.id, state: invite.state, code: invite.code, deliveries: invite.deliveries, expiresAt: invite.expiresAt } : null,
      cobrowse,
      endReason,
      log: [...call.log],
    };
  }
}
