import type { PromptInvite, VisitorServerMessage } from '@tandem/protocol';
import type { Bus } from '../bus/bus.ts';
import type { Presence } from '../domain/presence.ts';
import type { VisitorRef } from '../domain/visitor-ref.ts';
import type { RegistryChange, VisitorRegistry } from '../realtime/visitor-registry.ts';
import { NodeLink } from './node-link.ts';
import { OutageNote, type RedisState } from './redis-state.ts';

/** What one node asks of the node that holds a page. */
type PresenceOps = {
  push: { args: { orgId: string; customerId: string; invite: PromptInvite }; result: number };
  offer: { args: { visitorId: string; invite: PromptInvite }; result: boolean };
  invitePages: { args: { inviteId: string; message: VisitorServerMessage }; result: void };
  sessionPage: { args: { sessionId: string; message: VisitorServerMessage }; result: void };
};

// Which node holds what. Sorted sets (customer, invite) hold node ids scored by when their entry
// expires, since pages of one customer or offered one invite may be on several nodes; a page and a
// session's page are on one node, a plain key with a TTL.
const KEY = {
  customer: (orgId: string, customerId: string) => `tandem:presence:customer:${orgId}:${customerId}`,
  invite: (inviteId: string) => `tandem:presence:invite:${inviteId}`,
  visitor: (visitorId: string) => `tandem:presence:visitor:${visitorId}`,
  session: (sessionId: string) => `tandem:presence:session:${sessionId}`,
};

/** Deletes a key only while it still names this node (the page may have resumed on another). */
const DELETE_IF_MINE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type Scripted = RedisState['redis'] & { tandemDeleteIfMine(key: string, node: string): Promise<number> };

export interface ClusterPresenceOptions {
  node: string;
  /** How long entries outlive a node that stops refreshing them (it died, or lost Redis). */
  ttlMs: number;
  /** How long to wait for another node's answer before going on without it. */
  replyTimeoutMs: number;
  log: ConstructorParameters<typeof OutageNote>[0];
}

/**
 * Presence across nodes. Each node keeps its own pages in its VisitorRegistry and writes what it
 * holds to Redis with TTLs it refreshes every third of the TTL, so the entries of a node that dies
 * expire by themselves. A message for a page on another node goes to that node over the bus; the
 * node delivers it to its own page. After Redis comes back (it may have restarted empty) every
 * node writes all it holds again. Redis unreachable: this node's own pages only.
 */
export class ClusterPresence implements Presence {
  private readonly redis: Scripted;
  private readonly link: NodeLink<PresenceOps>;
  private readonly note: OutageNote;
  private timer: NodeJS.Timeout | null = null;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly local: VisitorRegistry,
    private readonly state: RedisState,
    private readonly bus: Bus,
    private readonly opts: ClusterPresenceOptions,
  ) {
    this.redis = state.redis as Scripted;
    this.redis.defineCommand('tandemDeleteIfMine', { numberOfKeys: 1, lua: DELETE_IF_MINE });
    this.note = new OutageNote(opts.log, 'presence is this node\'s own pages until it is back', 'presence is shared by every node again');
    this.link = new NodeLink<PresenceOps>(bus, 'presence-node', opts.node, {
      push: ({ orgId, customerId, invite }) => local.pushInvite(orgId, customerId, invite),
      offer: ({ visitorId, invite }) => local.offerToVisitor(visitorId, invite),
      invitePages: ({ inviteId, message }) => local.toInvitePages(inviteId, message),
      sessionPage: ({ sessionId, message }) => local.toSessionPage(sessionId, message),
    }, opts.replyTimeoutMs, opts.log);
  }

  async start() {
    await this.link.start();
    this.local.watch((change) => this.write(change));
    this.timer = setInterval(() => void this.refresh(), Math.max(500, Math.floor(this.opts.ttlMs / 3)));
    this.timer.unref();
    this.offs.push(this.state.onReconnect(() => void this.refresh()), this.bus.onResume(() => void this.refresh()));
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    for (const off of this.offs) off();
    await this.link.stop();
  }

  private get node() {
    return this.opts.node;
  }

  /**
   * Entries are written, and other nodes asked, only while this node's bus is up: Redis may come
   * back to the state connection before the bus resubscribed, and an entry written then would
   * route messages to a node that cannot hear them yet.
   */
  private get busUp() {
    return this.bus.health().state === 'up';
  }

  /** Runs a Redis step; on failure notes the outage once and answers `fallback`. */
  private async shared<T>(step: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.state.up) {
      this.note.failed(new Error(`connection ${this.state.redis.status}`));
      return fallback;
    }
    try {
      const result = await step();
      this.note.worked();
      return result;
    } catch (err) {
      this.note.failed(err);
      return fallback;
    }
  }

  private write(change: RegistryChange): Promise<void> {
    // The bus's return writes everything again (refresh).
    if (change.held && !this.busUp) return Promise.resolve();
    const { ttlMs } = this.opts;
    return this.shared(async () => {
      switch (change.kind) {
        case 'visitor':
          if (change.held) await this.redis.set(KEY.visitor(change.visitorId), this.node, 'PX', ttlMs);
          else await this.redis.del(KEY.visitor(change.visitorId));
          return;
        case 'session':
          if (change.held) await this.redis.set(KEY.session(change.sessionId), this.node, 'PX', ttlMs);
          else await this.redis.tandemDeleteIfMine(KEY.session(change.sessionId), this.node);
          return;
        case 'customer': {
          const key = KEY.customer(change.orgId, change.customerId);
          if (change.held) await this.redis.multi().zadd(key, Date.now() + ttlMs, this.node).pexpire(key, ttlMs).exec();
          else await this.redis.zrem(key, this.node);
          return;
        }
        case 'invite': {
          const key = KEY.invite(change.inviteId);
          await this.redis.multi().zadd(key, Date.now() + ttlMs, this.node).pexpire(key, ttlMs).exec();
          return;
        }
      }
    }, undefined);
  }

  /** Writes everything this node holds with fresh TTLs: on a timer, and when Redis is back. */
  private async refresh() {
    // Not connected: the connection's (or the bus's) return runs this again.
    if (!this.state.up || !this.busUp) return;
    const held = this.local.holdings();
    if (!held.visitors.length && !held.sessions.length && !held.invites.length) return;
    const { ttlMs } = this.opts;
    const expiresAt = Date.now() + ttlMs;
    await this.shared(async () => {
      const p = this.redis.pipeline();
      for (const v of held.visitors) p.set(KEY.visitor(v), this.node, 'PX', ttlMs);
      for (const s of held.sessions) p.set(KEY.session(s), this.node, 'PX', ttlMs);
      for (const key of [...held.customers.map((c) => KEY.customer(c.orgId, c.customerId)), ...held.invites.map(KEY.invite)]) {
        p.zadd(key, expiresAt, this.node).pexpire(key, ttlMs);
      }
      await p.exec();
    }, undefined);
  }

  /** Other nodes whose entry in a sorted set has not expired. */
  private async otherNodes(key: string): Promise<string[]> {
    if (!this.busUp) return [];
    const nodes = await this.shared(() => this.redis.zrangebyscore(key, Date.now(), '+inf'), []);
    return nodes.filter((n) => n !== this.node);
  }

  private async holderOf(key: string): Promise<string | null> {
    if (!this.busUp) return null;
    const node = await this.shared(() => this.redis.get(key), null);
    return node && node !== this.node ? node : null;
  }

  async isPresent(orgId: string, customerId: string) {
    if (this.local.pagesOf(orgId, customerId) > 0) return true;
    return (await this.otherNodes(KEY.customer(orgId, customerId))).length > 0;
  }

  async pushInvite(orgId: string, customerId: string, invite: PromptInvite) {
    const [here, remote] = await Promise.all([
      this.local.pushInvite(orgId, customerId, invite),
      this.otherNodes(KEY.customer(orgId, customerId)).then((nodes) => Promise.all(nodes.map((n) => this.link.call(n, 'push', { orgId, customerId, invite })))),
    ]);
    // A node that did not answer in time counts no pages: the delivery says what was shown.
    return here + remote.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  }

  async isConnected(visitorId: string) {
    if (this.local.holds(visitorId)) return true;
    return (await this.holderOf(KEY.visitor(visitorId))) !== null;
  }

  async offerToVisitor(visitorId: string, invite: PromptInvite) {
    if (this.local.holds(visitorId)) return this.local.offerToVisitor(visitorId, invite);
    const node = await this.holderOf(KEY.visitor(visitorId));
    return node ? (await this.link.call(node, 'offer', { visitorId, invite })) === true : false;
  }

  offered(visitor: VisitorRef, inviteId: string) {
    return this.local.offered(visitor, inviteId);
  }

  async toInvitePages(inviteId: string, message: VisitorServerMessage) {
    await this.local.toInvitePages(inviteId, message);
    for (const n of await this.otherNodes(KEY.invite(inviteId))) await this.link.tell(n, 'invitePages', { inviteId, message });
  }

  async toSessionPage(sessionId: string, message: VisitorServerMessage) {
    if (this.local.holdsSession(sessionId)) return this.local.toSessionPage(sessionId, message);
    const node = await this.holderOf(KEY.session(sessionId));
    if (node) await this.link.tell(node, 'sessionPage', { sessionId, message });
  }
}
