import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AgentServerMessage, CustomerLink } from '@tandem/protocol';
import { RELAY_KIND, decodeEnvelope, encodeEnvelope, relayChannels, type RelayEnvelope, type RelayKind } from './relay-envelope.ts';
import { RemoteAgentPeer, RemoteCaptureLink, isToPage, type RelayPublisher } from './remote-peers.ts';
import type { RelayPeer, SessionRelay } from './session-relay.ts';

/** Every node says it is alive this often; a node silent for DEAD_AFTER_MS is taken for dead. */
export const BEAT_MS = 1000;
export const DEAD_AFTER_MS = 4000;
/** A node dropped by the owner (too far behind) joins again after this, once Redis had time to drain. */
const REJOIN_AFTER_MS = 1000;

export interface RelayClusterOptions {
  commandTimeoutMs: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void; debug(obj: object, msg: string): void };
}

/** What the cluster needs of the node's registry of relays. */
export interface RelayHost {
  get(sessionId: string): SessionRelay | undefined;
  release(relay: SessionRelay): void;
}

interface OwnerRole {
  role: 'owner';
  relay: SessionRelay;
  /** When the page attached here: of two nodes that both think they hold it, the later attach wins. */
  since: number;
  /** Each other node with agents of the session: one agent of the relay. */
  peers: Map<string, RemoteAgentPeer>;
}

interface MirrorRole {
  role: 'mirror';
  relay: SessionRelay;
  link: RemoteCaptureLink;
  /** The node holding the page, as far as this node knows; null while none is known. */
  owner: string | null;
  /** The owner that fell silent: should it speak again, this node joins it again. */
  lost: string | null;
}

type Role = OwnerRole | MirrorRole;

/**
 * The live relay across nodes, on Redis pub/sub. The node holding a session's page (its owner)
 * keeps the authoritative cache and sees every other node with agents of the session as one
 * agent; such a node runs a mirror relay fed by the owner, whose page side is a link to the owner.
 * Frames are carried byte for byte. Separate Redis connections from the event bus keep a burst
 * of frames from delaying the bus's small messages.
 */
export class RelayCluster implements RelayPublisher {
  readonly nodeId = randomBytes(6).toString('hex');
  private readonly roles = new Map<string, Role>();
  /** When each other node was last heard from. */
  private readonly heard = new Map<string, number>();
  private readonly channels = new Set<string>();
  private host: RelayHost | null = null;
  private readonly beatTimer: NodeJS.Timeout;
  private wasDown = false;
  private subscribed = false;
  private closing = false;

  private constructor(private readonly pub: Redis, private readonly sub: Redis, private readonly log: RelayClusterOptions['log']) {
    this.channels.add(relayChannels.node(this.nodeId));
    this.channels.add(relayChannels.beat);
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
      const env = decodeEnvelope(message);
      if (env && env.from !== this.nodeId) this.receive(env);
    });
    // Back from an outage once both connections are: subscribed again, and able to publish the rejoins.
    const upAgain = () => {
      if (!this.wasDown || !this.subscribed || pub.status !== 'ready') return;
      this.wasDown = false;
      log.info({}, 'relay link to redis back: sessions across nodes resume');
      this.resumed();
    };
    sub.on('ready', () => {
      void sub.subscribe(...this.channels).then(() => {
        this.subscribed = true;
        upAgain();
      }, (err: Error) => log.warn({ err }, 'relay link could not subscribe again; retrying on the next reconnect'));
    });
    pub.on('ready', upAgain);
    sub.on('close', () => (this.subscribed = false));
    for (const c of [pub, sub]) {
      c.on('error', (err: Error) => log.debug({ err }, 'relay link error'));
      c.on('close', () => (this.wasDown ||= !this.closing));
    }
    this.beatTimer = setInterval(() => this.beat(), BEAT_MS);
    this.beatTimer.unref();
  }

  static async connect(url: string, opts: RelayClusterOptions): Promise<RelayCluster> {
    const common = { lazyConnect: true, enableOfflineQueue: false, connectTimeout: 2000 };
    // No command timeout for publishes: what a remote peer has in flight is counted until Redis takes it or the
    // connection drops, so a stalled Redis shows as a slow agent (stale, bounded) instead of being forgotten.
    const pub = new Redis(url, { ...common, maxRetriesPerRequest: 0 });
    const sub = new Redis(url, { ...common, commandTimeout: opts.commandTimeoutMs, autoResubscribe: false });
    const cluster = new RelayCluster(pub, sub, opts.log);
    // A node starts without Redis (its own relays work); the link comes up when Redis does.
    await Promise.all([cluster.pub.connect(), cluster.sub.connect()]).catch((err: Error) => {
      cluster.wasDown = true;
      opts.log.warn({ err: err.message }, 'relay link to redis down at start: relays stay on this node until it is back');
    });
    return cluster;
  }

  attach(host: RelayHost) {
    this.host = host;
  }

  publish(channel: string, kind: RelayKind, sessionId: string, payload: Uint8Array | string, done: () => void): boolean {
    if (this.pub.status !== 'ready') return false;
    this.pub.publish(channel, encodeEnvelope(kind, this.nodeId, sessionId, payload)).then(done, (err: Error) => {
      done();
      this.log.debug({ err, channel }, 'relay publish dropped');
    });
    return true;
  }

  private send(channel: string, kind: RelayKind, sessionId: string, payload: Uint8Array | string = '') {
    this.publish(channel, kind, sessionId, payload, () => undefined);
  }

  private listen(...channels: string[]) {
    const fresh = channels.filter((c) => !this.channels.has(c));
    for (const c of fresh) this.channels.add(c);
    if (!fresh.length || this.sub.status !== 'ready') return Promise.resolve();
    return this.sub.subscribe(...fresh).then(() => undefined, (err: Error) => this.log.debug({ err }, 'relay subscribe deferred to reconnect'));
  }

  private unlisten(...channels: string[]) {
    for (const c of channels) this.channels.delete(c);
    if (this.sub.status === 'ready') void this.sub.unsubscribe(...channels).catch(() => undefined);
  }

  /** Whether this peer is another node's page side (not a page socket on this node). */
  isLink(peer: RelayPeer | null): boolean {
    return peer instanceof RemoteCaptureLink;
  }

  /** Whether this node takes part in the session (as its owner or a mirror). */
  has(relay: SessionRelay): boolean {
    return this.roles.get(relay.sessionId)?.relay === relay;
  }

  /** The page of the relay's session streams to this node now: it becomes the owner, and says so. */
  own(relay: SessionRelay) {
    const was = this.roles.get(relay.sessionId);
    if (was?.role === 'owner' && was.relay === relay) {
      // The page reattached here (a reload): still the owner, and the latest attach.
      was.since = Date.now();
      return;
    }
    const role: OwnerRole = { role: 'owner', relay, since: Date.now(), peers: new Map() };
    this.roles.set(relay.sessionId, role);
    // Mirrors join on this announcement, so the owner listens before it speaks.
    void this.listen(relayChannels.up(relay.sessionId), relayChannels.down(relay.sessionId)).then(() => {
      if (this.roles.get(relay.sessionId) === role) this.announce(role, false);
    });
  }

  /** The relay has agents here but its page is not here: its stream comes from the owner, wherever that is. */
  mirror(relay: SessionRelay) {
    const link = new RemoteCaptureLink(this, relay.sessionId, relayChannels.up(relay.sessionId));
    this.roles.set(relay.sessionId, { role: 'mirror', relay, link, owner: null, lost: null });
    relay.capture = link;
    relay.mirror = true;
    relay.linkKnown = false;
    void this.listen(relayChannels.down(relay.sessionId));
  }

  /** The relay is gone from this node (nobody left, or the session ended): its channels are left. */
  forget(relay: SessionRelay) {
    const role = this.roles.get(relay.sessionId);
    if (!role || role.relay !== relay) return;
    this.roles.delete(relay.sessionId);
    if (role.role === 'mirror') {
      role.link.leave();
      this.unlisten(relayChannels.down(relay.sessionId));
      return;
    }
    for (const peer of role.peers.values()) relay.removeAgent(peer);
    this.unlisten(relayChannels.up(relay.sessionId), relayChannels.down(relay.sessionId));
  }

  private receive(env: RelayEnvelope) {
    const now = Date.now();
    this.heard.set(env.from, now);
    if (env.kind === RELAY_KIND.BEAT) {
      for (const role of this.roles.values()) if (role.role === 'mirror' && role.lost === env.from) this.follow(role, env.from);
      return;
    }
    const role = this.roles.get(env.sessionId);
    if (!role) return;
    if (env.kind === RELAY_KIND.OWNER) {
      const [since, again] = env.payload.toString('latin1').split(',');
      return this.ownerIs(role, env.from, Number(since), again === 'again');
    }
    if (role.role === 'owner') this.fromMirror(role, env);
    else this.fromOwner(role, env);
  }

  /** Another node holds the page now. */
  private ownerIs(role: Role, node: string, since: number, again: boolean) {
    const { relay } = role;
    if (role.role === 'mirror') {
      // A new owner streams from a new start. The same owner announcing itself again is back from a Redis
      // outage: this node's own rejoin may have reached Redis before the owner listened again, so it joins now.
      if (role.owner !== node) relay.restartStream();
      else if (!again) return;
      this.follow(role, node);
      return;
    }
    // Two nodes hold a socket of the page (the old one not yet seen closed): the later one is the page's.
    const page = relay.capture;
    if (page && (role.since > since || (role.since === since && this.nodeId > node))) return this.announce(role, false);
    // This node was the owner: its page socket (if any is left) is a stale one, and its agents follow the new owner.
    for (const peer of role.peers.values()) relay.removeAgent(peer);
    this.unlisten(relayChannels.up(relay.sessionId));
    this.roles.delete(relay.sessionId);
    this.mirror(relay);
    page?.close('REPLACED');
    relay.restartStream();
    const mirror = this.roles.get(relay.sessionId) as MirrorRole;
    if (relay.agentCount > 0) this.follow(mirror, node);
    else this.host?.release(relay);
  }

  /** Says this node holds the session's page; `again` after a Redis outage (mirrors then join again). */
  private announce(role: OwnerRole, again: boolean) {
    this.send(relayChannels.down(role.relay.sessionId), RELAY_KIND.OWNER, role.relay.sessionId, `${role.since},${again ? 'again' : 'new'}`);
  }

  private follow(role: MirrorRole, node: string) {
    role.owner = node;
    role.lost = null;
    role.link.join();
    role.link.sendJson({ type: 'agent.presence', agents: role.relay.agentCount });
  }

  private fromMirror(role: OwnerRole, env: RelayEnvelope) {
    const { relay } = role;
    const peer = role.peers.get(env.from);
    switch (env.kind) {
      case RELAY_KIND.JOIN: {
        // A node joining again (dropped, or Redis came back) starts over: link state, snapshot, deltas.
        if (peer) relay.removeAgent(peer);
        const fresh = new RemoteAgentPeer(this, env.from, relay.sessionId, relayChannels.node(env.from), (p) => this.drop(role, p));
        role.peers.set(env.from, fresh);
        relay.addAgent(fresh);
        return;
      }
      case RELAY_KIND.LEAVE:
        if (!peer) return;
        role.peers.delete(env.from);
        relay.removeAgent(peer);
        return this.host?.release(relay);
      case RELAY_KIND.PRESENCE: {
        const n = Number(env.payload.toString('latin1'));
        if (!peer || !Number.isInteger(n) || n < 0) return;
        peer.agents = n;
        return relay.presenceChanged();
      }
      case RELAY_KIND.RESYNC:
        // A drifted replica needs the page's fresh snapshot; a gap, the cache again.
        if (peer && env.payload.toString('latin1') === 'agent_drift') relay.refresh();
        else if (peer) relay.resync(peer);
        return;
      case RELAY_KIND.TO_PAGE: {
        if (!peer) return;
        const message: unknown = parseJson(env.payload);
        if (isToPage(message)) relay.toCapture(message);
        return;
      }
    }
  }

  private fromOwner(role: MirrorRole, env: RelayEnvelope) {
    if (role.owner === null && env.kind !== RELAY_KIND.DROP) {
      // The owner fell silent and speaks again before any other claimed the page.
      role.owner = env.from;
      role.lost = null;
    }
    if (role.owner !== env.from) return;
    const { relay } = role;
    switch (env.kind) {
      case RELAY_KIND.FRAME:
        // A copy: the received message may be a view into the connection's read buffer.
        relay.fromCapture(new Uint8Array(env.payload));
        return;
      case RELAY_KIND.TO_AGENTS: {
        const message = toAgentsMessage(parseJson(env.payload));
        if (message?.type === 'customer.link') relay.setLink(message.state);
        else if (message) relay.toAgents(message);
        return;
      }
      case RELAY_KIND.DROP:
        setTimeout(() => {
          if (this.roles.get(relay.sessionId) === role && role.owner === env.from) this.follow(role, env.from);
        }, REJOIN_AFTER_MS).unref();
        return;
    }
  }

  /** The owner cuts off a node that is too far behind or silent; a live node joins again. */
  private drop(role: OwnerRole, peer: RemoteAgentPeer) {
    // Not within the relay's loop over its agents: after it.
    queueMicrotask(() => {
      if (role.peers.get(peer.node) !== peer) return;
      role.peers.delete(peer.node);
      role.relay.removeAgent(peer);
      this.send(relayChannels.node(peer.node), RELAY_KIND.DROP, role.relay.sessionId);
      if (this.roles.get(role.relay.sessionId) === role) this.host?.release(role.relay);
    });
  }

  private beat() {
    this.send(relayChannels.beat, RELAY_KIND.BEAT, '');
    const deadline = Date.now() - DEAD_AFTER_MS;
    const dead = (node: string) => (this.heard.get(node) ?? 0) < deadline;
    for (const role of [...this.roles.values()]) {
      if (role.role === 'owner') {
        for (const peer of role.peers.values()) if (dead(peer.node)) this.drop(role, peer);
      } else if (role.owner !== null && dead(role.owner)) {
        // The owner died (or lost Redis): nobody holds the page until it reconnects somewhere.
        role.lost = role.owner;
        role.owner = null;
        role.relay.setLink('reconnecting');
      }
    }
    for (const [node, at] of this.heard) if (at < deadline - DEAD_AFTER_MS) this.heard.delete(node);
  }

  /** Redis is back: what was published meanwhile is lost, so owners announce again and mirrors join again. */
  private resumed() {
    for (const role of this.roles.values()) {
      if (role.role === 'owner') this.announce(role, true);
      else role.link.join();
    }
  }

  async close() {
    this.closing = true;
    clearInterval(this.beatTimer);
    for (const role of [...this.roles.values()]) {
      // A node shutting down loses its pages: other nodes' agents hear it now, not when its beat is missed.
      if (role.role === 'owner') for (const peer of role.peers.values()) peer.sendJson({ type: 'customer.link', state: 'reconnecting' });
      this.forget(role.relay);
    }
    await Promise.all([this.pub, this.sub].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
  }
}

const LINKS: readonly string[] = ['connected', 'reconnecting', 'gone'] satisfies CustomerLink[];
const isLinkState = (s: string): s is CustomerLink => LINKS.includes(s);

/** The owner forwards link states and control results to other nodes' agents, nothing else. */
function toAgentsMessage(m: unknown): Extract<AgentServerMessage, { type: 'customer.link' | 'control.result' }> | null {
  if (typeof m !== 'object' || m === null || !('type' in m)) return null;
  if (m.type === 'customer.link' && 'state' in m && typeof m.state === 'string' && isLinkState(m.state)) {
    return { type: 'customer.link', state: m.state };
  }
  if (m.type === 'control.result' && 'id' in m && typeof m.id === 'number' && 'ok' in m && typeof m.ok === 'boolean') {
    const error = 'error' in m && typeof m.error === 'string' ? { error: m.error } : {};
    return { type: 'control.result', id: m.id, ok: m.ok, ...error };
  }
  return null;
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
}
