import type { EventType, Scope, TandemEvent } from '@tandem/protocol';
import { ApiRequester } from './api-requester.ts';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './event-stream.ts';
import { FetchTransport, type FetchFunction, type HttpTransport } from './http-transport.ts';
import { AgentTokens } from './resources/agent-tokens.ts';
import { Conversations } from './resources/conversations.ts';
import { Deployments } from './resources/deployments.ts';
import { Events } from './resources/events.ts';
import { Invites } from './resources/invites.ts';
import { Sessions } from './resources/sessions.ts';
import { Sms } from './resources/sms.ts';
import { Webhooks } from './resources/webhooks.ts';
import { waitForEvent, type WaitForOptions } from './wait-for.ts';

export interface TandemClientOptions {
  /** Where the Tandem server listens, e.g. https://tandem.example.com */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Scopes to request; by default the token carries every scope the client holds. */
  scopes?: readonly Scope[];
  /** A fetch to send requests with (a proxy agent, a test double); ignored when `transport` is set. */
  fetch?: FetchFunction;
  transport?: HttpTransport;
  /** Per request, until the whole body is read; for the event stream, until it is open. */
  timeoutMs?: number;
  /** How the event stream reconnects after a drop. */
  reconnect?: Partial<ReconnectPolicy>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class TandemClient {
  readonly conversations: Conversations;
  readonly invites: Invites;
  readonly sessions: Sessions;
  readonly events: Events;
  readonly webhooks: Webhooks;
  readonly deployments: Deployments;
  readonly agentTokens: AgentTokens;
  readonly sms: Sms;

  constructor(options: TandemClientOptions) {
    if (!options.clientId || !options.clientSecret) throw new TypeError('TandemClient needs clientId and clientSecret');
    // Fail at construction, not at the first call, when the URL is unusable.
    if (!URL.canParse(options.baseUrl)) throw new TypeError(`TandemClient: baseUrl is not a valid URL: ${options.baseUrl}`);
    const api = new ApiRequester({
      baseUrl: options.baseUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: options.scopes,
      transport: options.transport ?? new FetchTransport(options.fetch),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    this.conversations = new Conversations(api);
    this.invites = new Invites(api);
    this.sessions = new Sessions(api);
    this.events = new Events(api, { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect });
    this.webhooks = new Webhooks(api);
    this.deployments = new Deployments(api);
    this.agentTokens = new AgentTokens(api);
    this.sms = new Sms(api);
  }

  /**
   * Resolves with the first event of `type` matching the filters, including one that happened
   * just before the call: `await tandem.waitFor('session.started', { conversationId, timeoutMs })`.
   */
  waitFor<T extends EventType>(type: T, options: WaitForOptions): Promise<TandemEvent<T>> {
    return waitForEvent(this.events, type, options);
  }
}
