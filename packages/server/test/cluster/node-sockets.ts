import type { Cluster } from './cluster.ts';

/**
 * Open sockets of one kind on each node, from each node's own /metrics (`tandem_sockets`): behind
 * the balancer a client cannot tell which node it reached, the nodes can. A dead node counts 0.
 */
export async function socketsByNode(cluster: Cluster, kind: 'visitor' | 'capture' | 'agent'): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (n) => {
    if (n.exit) return 0;
    try {
      const text = await (await fetch(`${n.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      const m = new RegExp(`^tandem_sockets\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text);
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }));
}

/** The index of the one node that holds a socket of `kind`, or null while none or several do. */
export async function nodeHolding(cluster: Cluster, kind: 'visitor' | 'capture' | 'agent'): Promise<number | null> {
  const counts = await socketsByNode(cluster, kind);
  const holders = counts.flatMap((c, i) => (c > 0 ? [i] : []));
  return holders.length === 1 ? holders[0]! : null;
}
