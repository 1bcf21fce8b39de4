import { Redis } from 'ioredis';
import type { Bus, BusHandler } from './bus.ts';

/** Redis pub/sub: one connection publishes, one subscribes for every topic of this node. */
export async function createRedisBus(url: string, onError: (err: Error) => void = () => undefined): Promise<Bus> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub = new Redis(url, { lazyConnect: true });
  // After a successful start ioredis reconnects by itself; errors meanwhile are reported, not thrown.
  pub.on('error', onError);
  sub.on('error', onError);
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    // A server that is not there at start is a configuration error: fail now, stop retrying.
    pub.disconnect();
    sub.disconnect();
    throw err;
  }
  const topics = new Map<string, Set<BusHandler>>();
  sub.on('message', (topic: string, raw: string) => {
    const handlers = topics.get(topic);
    if (!handlers) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    for (const h of [...handlers]) h(message);
  });
  return {
    async publish(topic, message) {
      await pub.publish(topic, JSON.stringify(message));
    },
    async subscribe(topic, handler) {
      let set = topics.get(topic);
      if (!set) {
        topics.set(topic, (set = new Set()));
        await sub.subscribe(topic);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0) {
          topics.delete(topic);
          await sub.unsubscribe(topic);
        }
      };
    },
    async close() {
      await Promise.all([pub.quit(), sub.quit()]);
    },
  };
}
