import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Bus, BusHandler, BusHealth } from './bus.ts';

export interface RedisBusOptions {
  /** Longest wait for one command (publish, subscribe) before it is given up. */
  commandTimeoutMs: number;
  log: {
    warn(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    debug(obj: object, msg: string): void;
  };
}

/** Every node subscribes to this: a node whose publishing link came back says so here. */
const RESUMED_TOPIC = 'tandem:bus-resumed';
/** How long a start waits for Redis before it goes on degraded. */
const START_WAIT_MS = 2000;

interface Envelope {
  /** The publishing node: it has delivered to its own subscribers already. */
  o: string;
  m: unknown;
}

/**
 * Redis pub/sub: one connection publishes, one subscribes for every topic of this node.
 * Subscribers on the publishing node get messages directly, so one node keeps working while
 * Redis is down; other nodes get them through Redis. Redis down means: publishes are dropped at
 * once (no offline queue), subscriptions are made again on reconnect, and resume listeners run so
 * that consoles and streams read what they missed from the store.
 */
export async function createRedisBus(url: string, opts: RedisBusOptions): Promise<Bus> {
  const nodeId = randomBytes(8).toString('hex');
  const common = { lazyConnect: true, enableOfflineQueue: false, commandTimeout: opts.commandTimeoutMs, connectTimeout: START_WAIT_MS };
  const pub = new Redis(url, { ...common, maxRetriesPerRequest: 0 });
  const sub = new Redis(url, { ...common, autoResubscribe: false });
  const topics = new Map<string, Set<BusHandler>>();
  const resumeListeners = new Set<() => void>();
  let health: BusHealth = { state: 'up', reason: null, since: null };
  let lastError: string | null = null;
  let closing = false;
  let pubWasDown = false;
  let subWasDown = false;

  const deliver = (topic: string, message: unknown) => {
    const handlers = topics.get(topic);
    if (!handlers) return;
    for (const h of [...handlers]) h(message);
  };
  const resumed = () => {
    for (const l of [...resumeListeners]) l();
  };
  const markUp = () => {
    if (health.state === 'up' || pub.status !== 'ready' || sub.status !== 'ready') return;
    opts.log.info({ downSince: health.since }, 'redis reachable again: cross-node events and relays resume');
    health = { state: 'up', reason: null, since: new Date().toISOString() };
  };
  const markDown = (connection: string) => {
    if (health.state === 'down' || closing) return;
    const reason = lastError ?? `the ${connection} connection closed`;
    opts.log.warn({ url: redactedUrl(url) },
      `redis unreachable (${reason}): running degraded; this node's consoles and streams still get its own events, other nodes get them when redis is back`);
    health = { state: 'down', reason, since: new Date().toISOString() };
  };

  for (const [name, conn] of [['publish', pub], ['subscribe', sub]] as const) {
    conn.on('error', (err: Error) => {
      lastError = err.message || (err as { code?: string }).code || String(err);
      if (health.state === 'down') health = { ...health, reason: lastError };
      opts.log.debug({ err, connection: name }, 'redis bus error');
    });
    conn.on('close', () => {
      if (name === 'publish') pubWasDown = true;
      else subWasDown = true;
      markDown(name);
    });
  }

  pub.on('ready', () => {
    lastError = null;
    markUp();
    if (!pubWasDown) return;
    pubWasDown = false;
    // Other nodes kept their subscriptions and do not know what this node failed to publish.
    void pub.publish(RESUMED_TOPIC, JSON.stringify({ o: nodeId, m: null } satisfies Envelope)).catch(() => undefined);
  });
  sub.on('ready', () => {
    lastError = null;
    void sub.subscribe(RESUMED_TOPIC, ...topics.keys()).then(
      () => {
        markUp();
        if (!subWasDown) return;
        subWasDown = false;
        resumed();
      },
      (err: Error) => opts.log.warn({ err }, 'redis bus could not subscribe again; retrying on the next reconnect'),
    );
  });
  sub.on('message', (topic: string, raw: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (envelope.o === nodeId) return;
    if (topic === RESUMED_TOPIC) return resumed();
    deliver(topic, envelope.m);
  });

  const ready = (c: Redis) => (c.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => c.once('ready', () => resolve())));
  let timer: NodeJS.Timeout | undefined;
  const failed = await Promise.race([
    Promise.all([ready(pub), ready(sub)]).then(() => null),
    Promise.all([pub.connect(), sub.connect()]).then(() => new Promise<never>(() => undefined), (err: Error) => err.message),
    new Promise<string>((r) => (timer = setTimeout(() => r(`no answer within ${START_WAIT_MS} ms`), START_WAIT_MS))),
  ]);
  clearTimeout(timer);
  if (failed !== null) {
    // A node starts without Redis: it serves its own sockets and catches up when Redis comes.
    pubWasDown = true;
    subWasDown = true;
    lastError = lastError ?? failed;
    markDown('start');
  }

  return {
    kind: 'redis',
    async publish(topic, message) {
      const raw = JSON.stringify({ o: nodeId, m: message } satisfies Envelope);
      // Local subscribers get the same JSON a remote node would, on a later tick.
      const copy = JSON.parse(raw) as Envelope;
      queueMicrotask(() => deliver(topic, copy.m));
      // Not awaited: a write never waits on Redis. One connection keeps one publisher's order.
      if (pub.status !== 'ready') return;
      pub.publish(topic, raw).catch((err: Error) => opts.log.debug({ err, topic }, 'redis publish dropped'));
    },
    async subscribe(topic, handler) {
      let set = topics.get(topic);
      if (!set) {
        topics.set(topic, (set = new Set()));
        // While Redis is down the topic is subscribed on reconnect ('ready' above).
        if (sub.status === 'ready') await sub.subscribe(topic).catch((err: Error) => opts.log.debug({ err, topic }, 'redis subscribe deferred to reconnect'));
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0 && topics.get(topic) === set) {
          topics.delete(topic);
          if (sub.status === 'ready') await sub.unsubscribe(topic).catch(() => undefined);
        }
      };
    },
    onResume(listener) {
      resumeListeners.add(listener);
      return () => resumeListeners.delete(listener);
    },
    health: () => ({ ...health }),
    async close() {
      closing = true;
      await Promise.all([pub, sub].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
    },
  };
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
