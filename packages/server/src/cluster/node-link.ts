import type { Bus } from '../bus/bus.ts';

/** Operations one node asks of another: each names its arguments and its answer. */
export type NodeOps = Record<string, { args: unknown; result: unknown }>;

type Wire<Ops extends NodeOps> =
  | { t: 'call'; id: number; from: string; op: keyof Ops & string; args: unknown }
  | { t: 'tell'; op: keyof Ops & string; args: unknown }
  | { t: 'reply'; id: number; result: unknown };

type Handlers<Ops extends NodeOps> = { [K in keyof Ops]: (args: Ops[K]['args']) => Promise<Ops[K]['result']> };

/** The bus topic only node `node` listens on. */
const nodeTopic = (prefix: string, node: string) => `${prefix}:${node}`;

/**
 * Requests to one named node over the bus, answered on the asking node's own topic. The bus is
 * best-effort: a node that died (or that Redis cannot reach) does not answer, and the caller gets
 * `undefined` after `timeoutMs` and goes on without it. Pending calls are bounded by that time.
 */
export class NodeLink<Ops extends NodeOps> {
  private readonly pending = new Map<number, (result: unknown) => void>();
  private nextId = 0;
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    private readonly bus: Bus,
    private readonly prefix: string,
    readonly node: string,
    private readonly handlers: Handlers<Ops>,
    private readonly timeoutMs: number,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {}

  async start() {
    this.unsubscribe = await this.bus.subscribe(nodeTopic(this.prefix, this.node), (m) => this.receive(m as Wire<Ops>));
  }

  async stop() {
    await this.unsubscribe?.();
    for (const resolve of this.pending.values()) resolve(undefined);
    this.pending.clear();
  }

  /** Asks `node` and waits for its answer; undefined when none came in time. */
  call<K extends keyof Ops & string>(node: string, op: K, args: Ops[K]['args']): Promise<Ops[K]['result'] | undefined> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, this.timeoutMs);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(result as Ops[K]['result']);
      });
      void this.bus.publish(nodeTopic(this.prefix, node), { t: 'call', id, from: this.node, op, args } satisfies Wire<Ops>);
    });
  }

  /** Tells `node` without waiting for an answer. */
  tell<K extends keyof Ops & string>(node: string, op: K, args: Ops[K]['args']): Promise<void> {
    return this.bus.publish(nodeTopic(this.prefix, node), { t: 'tell', op, args } satisfies Wire<Ops>);
  }

  private receive(m: Wire<Ops>) {
    if (m?.t === 'reply') return this.pending.get(m.id)?.(m.result);
    if (m?.t !== 'call' && m?.t !== 'tell') return;
    const handler = this.handlers[m.op];
    if (!handler) return;
    handler(m.args).then(
      (result) => {
        if (m.t === 'call') void this.bus.publish(nodeTopic(this.prefix, m.from), { t: 'reply', id: m.id, result } satisfies Wire<Ops>);
      },
      (err: unknown) => this.log.warn({ err, op: m.op }, 'a request from another node failed'),
    );
  }
}
