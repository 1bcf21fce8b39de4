import type { SocketKind } from './socket-admission.ts';

/** Gives back the place a socket took. */
export type SocketRelease = () => void;

/** Open sockets per source and kind: this node's own, or shared by a cluster (cluster/redis-socket-counts.ts). */
export interface SocketCounts {
  /** Takes a place for one more socket of `source` if it holds fewer than `cap`; null when it is full. */
  take(kind: SocketKind, source: string, cap: number): Promise<SocketRelease | null>;
}

/** One node's counts, in memory. */
export function createMemorySocketCounts(): SocketCounts {
  const open: Record<SocketKind, Map<string, number>> = { visitor: new Map(), capture: new Map(), agent: new Map() };
  return {
    async take(kind, source, cap) {
      const counts = open[kind];
      const held = counts.get(source) ?? 0;
      if (held >= cap) return null;
      counts.set(source, held + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(source) ?? 1) - 1;
        if (left > 0) counts.set(source, left);
        else counts.delete(source);
      };
    },
  };
}
