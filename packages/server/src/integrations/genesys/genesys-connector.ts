import type { Logger } from 'pino';
import type { ConversationState } from '@tandem/protocol';
import type { ConversationService } from '../../domain/conversation-service.ts';
import { DomainError } from '../../shared/domain-error.ts';
import type { GenesysConfig } from './genesys-config.ts';
import { GenesysApiError } from './genesys-api-error.ts';
import { asCall, GenesysClient, type GenesysCall } from './genesys-client.ts';
import { mirrorCall, upsertFor } from './genesys-call-mirror.ts';
import type { GenesysLinkRow, GenesysLinkStore } from './genesys-link-store.ts';
import type { GenesysMetrics } from './genesys-metrics.ts';
import { openNotificationStream, type OpenStream } from './genesys-notification-stream.ts';

export interface ConnectorDeps {
  store: GenesysLinkStore;
  conversations: ConversationService;
  config: GenesysConfig;
  log: Logger;
  metrics: GenesysMetrics;
  /** This process's name in the channel lease. */
  node: string;
}

/** The conversation-call topics of the followed users and queues. */
export function topicsFor(row: Pick<GenesysLinkRow, 'follow_users' | 'follow_queues'>): string[] {
  return [
    ...row.follow_users.map((id) => `v2.users.${id}.conversations.calls`),
    ...row.follow_queues.map((id) => `v2.routing.queues.${id}.conversations.calls`),
  ];
}

/**
 * Keeps one Tandem organisation's conversations in step with its Genesys calls: holds the
 * channel lease, opens a notification channel, subscribes, reads the stream, and after every
 * (re)connect re-reads each call Tandem still thinks is live, so a hang-up sent while no stream
 * was open still ends the session. Failures back off (Retry-After when Genesys gives one) and
 * show in the link's status.
 */
export class GenesysConnector {
  private readonly client: GenesysClient;
  private readonly topics: Set<string>;
  private readonly log: Logger;
  private stopped = false;
  private stream: OpenStream | null = null;
  private wakeSleep: (() => void) | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly userNames = new Map<string, string>();
  private loop: Promise<void> | null = null;

  constructor(private readonly row: GenesysLinkRow, private readonly deps: ConnectorDeps) {
    this.client = new GenesysClient(
      { apiBaseUrl: row.api_base_url, loginBaseUrl: row.login_base_url, clientId: row.client_id, clientSecret: row.client_secret }, deps.config.timeoutMs);
    this.topics = new Set(topicsFor(row));
    this.log = deps.log.child({ genesys: row.org_id });
  }

  private get org() {
    return this.row.org_id;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.stop();
    this.wakeSleep?.();
    await this.loop;
    await this.queue;
  }

  private async run(): Promise<void> {
    const { store, config, node } = this.deps;
    let attempt = 0;
    while (!this.stopped) {
      let wait = 0;
      const held = await store.claimLease(this.org, node, config.leaseMs).catch((err: unknown) => {
        this.log.warn({ err }, 'genesys: could not claim the channel lease');
        return false;
      });
      if (!held) {
        await this.sleep(config.leaseMs / 2);
        continue;
      }
      try {
        await this.runChannel();
        attempt = 0;
      } catch (err) {
        wait = await this.failed(err, attempt++);
      }
      if (wait) await this.sleep(wait);
    }
    await store.releaseLease(this.org, node).catch(() => undefined);
  }

  /** One channel's life: create, subscribe, open, resync, read until it ends. */
  private async runChannel(): Promise<void> {
    const { store, config, metrics } = this.deps;
    const channel = await this.client.createChannel();
    await this.client.setSubscriptions(channel.id, [...this.topics]);
    const stream = await openNotificationStream(channel.connectUri, channel.expires, config.heartbeatTimeoutMs, {
      onEvent: (topic, body) => void this.enqueue(() => this.onEvent(topic, body)),
      onMalformed: (raw) => {
        metrics.notifications.inc({ org: this.org, outcome: 'malformed' });
        this.log.warn({ sample: raw.slice(0, 200) }, 'genesys: malformed notification dropped');
      },
    }, config.timeoutMs).catch((err: unknown) => {
      throw new GenesysApiError('network',
        `the notification stream ${channel.connectUri.replace(/\/channels\/.*/, '/channels/…')} could not be opened (${(err as Error).message})`);
    });
    this.stream = stream;
    if (this.stopped) stream.stop();
    const renew = setInterval(() => {
      void store.claimLease(this.org, this.deps.node, config.leaseMs).then((held) => {
        if (!held) {
          this.log.warn('genesys: another node took the channel lease; letting go');
          stream.stop();
        }
      }, () => undefined);
    }, Math.max(50, config.leaseMs / 3));
    try {
      // In the queue: events that arrive while it runs wait behind it, so none is applied out of order.
      await this.enqueue(() => this.resync(), true);
      await store.setHealth(this.org, this.row.updated_at, 'connected', null);
      this.log.info({ topics: this.topics.size }, 'genesys: notification stream open');
      const why = await stream.ended;
      metrics.streamEnds.inc({ org: this.org, reason: why });
      if (why !== 'stopped') this.log.info({ why }, 'genesys: notification stream ended; opening a new channel');
    } finally {
      clearInterval(renew);
      stream.stop();
      this.stream = null;
    }
  }

  /** Logs, counts and shows a failure; returns how long to wait before the next try. */
  private async failed(err: unknown, attempt: number): Promise<number> {
    const { config, store, metrics } = this.deps;
    const e = err instanceof GenesysApiError ? err : new GenesysApiError('unavailable', (err as Error).message ?? String(err));
    const backoff = Math.min(config.reconnectMaxMs, config.reconnectBaseMs * 2 ** Math.min(attempt, 20));
    const wait = Math.max(backoff * (0.75 + Math.random() / 4), e.retryAfterMs ?? 0);
    metrics.failures.inc({ org: this.org, failure: e.failure });
    this.log.warn({ failure: e.failure, status: e.status, retryInMs: Math.round(wait) }, `genesys: ${e.message}`);
    await store.setHealth(this.org, this.row.updated_at, 'degraded', reasonFor(e)).catch(() => undefined);
    return wait;
  }

  private enqueue(fn: () => Promise<void>, propagate = false): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch((err: unknown) => {
      this.deps.metrics.notifications.inc({ org: this.org, outcome: 'failed' });
      this.log.error({ err }, 'genesys: could not apply a call change; re-reading after a reconnect');
      // A reconnect resyncs every live call from the Conversations API, so nothing stays lost.
      this.stream?.stop();
    });
    return propagate ? run : this.queue;
  }

  private async onEvent(topic: string, body: unknown): Promise<void> {
    const { metrics } = this.deps;
    if (!this.topics.has(topic)) {
      metrics.notifications.inc({ org: this.org, outcome: 'ignored_topic' });
      this.log.warn({ topic }, 'genesys: notification on a topic Tandem did not subscribe to; ignored');
      return;
    }
    const call = asCall(body);
    if (!call) {
      metrics.notifications.inc({ org: this.org, outcome: 'malformed' });
      this.log.warn({ topic }, 'genesys: notification without a call id and participants; ignored');
      return;
    }
    metrics.notifications.inc({ org: this.org, outcome: await this.apply(call) });
  }

  /** Re-reads every call Tandem still thinks is live; a call Genesys no longer has is over. */
  private async resync(): Promise<void> {
    const { store, metrics } = this.deps;
    for (const id of await store.liveCalls(this.org)) {
      if (this.stopped) return;
      const call = await this.client.getCall(id);
      const outcome = call ? await this.apply(call) : await this.end(id);
      metrics.resyncs.inc({ org: this.org, outcome });
    }
  }

  private async end(id: string): Promise<string> {
    if ((await this.currentState(id)) === null) {
      // Remembered, but its conversation was never written, and Genesys no longer has the call.
      await this.deps.store.forgetCall(this.org, id);
      return 'forgotten';
    }
    await this.deps.conversations.upsert(this.org, id, { state: 'disconnected' });
    this.log.info({ conversationId: id }, 'genesys: call unknown to Genesys after a gap; ended');
    return 'ended_missing';
  }

  /** Mirrors one call; returns the outcome for the metric. */
  private async apply(call: GenesysCall): Promise<string> {
    const { conversations, store } = this.deps;
    const m = mirrorCall(call);
    if (!m) return 'ignored_no_customer';
    const current = await this.currentState(call.id);
    const name = m.agentUserId ? await this.agentName(m.agentUserId) : null;
    const up = upsertFor(m, current, name);
    if (!up) {
      if (current === null) this.log.info({ conversationId: call.id }, 'genesys: notification for a call Tandem never saw, already over; ignored');
      return current === null ? 'ignored_unknown' : 'unchanged';
    }
    if (current === null) await store.rememberCall(this.org, call.id);
    try {
      await conversations.upsert(this.org, call.id, up);
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'invalid_phone')) throw err;
      // A withheld or odd number must not stop the call being mirrored; the SMS channel will say so.
      const { customer: _dropped, ...rest } = up;
      await conversations.upsert(this.org, call.id, rest);
    }
    return up.state === current ? 'unchanged' : 'applied';
  }

  private async currentState(id: string): Promise<ConversationState | null> {
    try {
      return (await this.deps.conversations.get(this.org, id)).state;
    } catch (err) {
      if (err instanceof DomainError && err.code === 'conversation_not_found') return null;
      throw err;
    }
  }

  /** The agent's name from the Users API; a failure leaves the name out rather than the call. */
  private async agentName(userId: string): Promise<string | null> {
    const hit = this.userNames.get(userId);
    if (hit) return hit;
    try {
      const u = await this.client.getUser(userId);
      if (u.name) this.userNames.set(userId, u.name);
      return u.name;
    } catch (err) {
      this.log.warn({ userId, err: (err as Error).message }, 'genesys: could not read the agent\'s name');
      return null;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeSleep = () => {
        this.wakeSleep = null;
        done();
      };
    });
  }
}

/** The "why" of `degraded: <why>`, in words an admin can act on. */
function reasonFor(e: GenesysApiError): string {
  switch (e.failure) {
    case 'credentials':
      return `Genesys refused the OAuth client (${e.status ?? 'no status'}): the client was deleted, its secret rotated, or the region is wrong; PUT ` +
        `/v1/integrations/genesys with the current secret`;
    case 'forbidden':
      return `the OAuth client's role lacks a permission (403: ${e.message}); see the README's Genesys permissions`;
    case 'rate_limited':
      return `Genesys rate limit (429)${e.retryAfterMs !== undefined ? `, retrying after ${Math.ceil(e.retryAfterMs / 1000)} s` : ''}`;
    case 'not_found':
    case 'rejected':
      return `Genesys refused a request: ${e.message}`;
    default:
      return `Genesys unreachable: ${e.message}; retrying`;
  }
}
