import type { Bus, BusHandler } from './bus.ts';

/** The single-node bus: handlers called on the next tick, like a remote bus would. */
export function createMemoryBus(): Bus {
  const topics = new Map<string, Set<BusHandler>>();
  return {
    kind: 'memory',
    async publish(topic, message) {
      const handlers = topics.get(topic);
      if (!handlers) return;
      for (const h of [...handlers]) queueMicrotask(() => h(message));
    },
    async subscribe(topic, handler) {
      let set = topics.get(topic);
      if (!set) topics.set(topic, (set = new Set()));
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0) topics.delete(topic);
      };
    },
    // One process: never down, so never resumes.
    onResume: () => () => undefined,
    health: () => ({ state: 'up', reason: null, since: null }),
    async close() {
      topics.clear();
    },
  };
}
