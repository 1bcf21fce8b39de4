// The console page's link to Tandem, opened before the console itself has loaded. The page knows
// its token from its address, so the socket, its auth and the relay's cached snapshot can travel
// (and the snapshot be inflated and parsed) while the browser is still fetching and compiling the
// console, most of which is rrweb: the agent sees the customer's page that much sooner (bench:
// agent join). Until a console takes the link over, whatever the socket reports is kept in order,
// and a snapshot among it is shown as a picture meanwhile (early-view.ts), removed in the task in
// which the console has shown what the link had.
import { AgentSocket } from './agent-socket.ts';
import { takeBootLink } from './boot-link.ts';
import type { AgentSocketHandlers } from './agent-socket.ts';
import type { eventWithTime } from '@rrweb/types';
import type { EarlyView } from './early-view.ts';

export type HandlerName = keyof AgentSocketHandlers;
type Call = { [K in HandlerName]: { name: K; args: Parameters<AgentSocketHandlers[K]> } }[HandlerName];
// A snapshot starts the replica over, and a pointer position only matters until the next one:
// what they supersede is dropped from the queue rather than drawn to be thrown away.
const SUPERSEDED_BY: Partial<Record<HandlerName, ReadonlySet<HandlerName>>> = {
  snapshot: new Set<HandlerName>(['snapshot', 'delta', 'customerPointer']),
  customerPointer: new Set<HandlerName>(['customerPointer']),
};

export interface EarlyOptions {
  /** Shows a snapshot that arrives before a console has taken the link (the standalone page's). */
  view?: EarlyView;
  /**
   * Told of each report the link queues for the console that has not taken it yet, after `view`
   * has shown it if it is a snapshot (`shown`): the page decides from these when to start the
   * console (console-link.ts).
   */
  onReport?: (report: EarlyReport) => void;
}

export type EarlyReport = Call & { shown: boolean };

/** Handlers that queue every call until a console attaches, then pass them straight through. */
export class HandlerQueue implements AgentSocketHandlers {
  private target: AgentSocketHandlers | null = null;
  private calls: Call[] = [];
  // Snapshots the early picture was made from (scrubbed in place): the console gets them read afresh.
  private readonly used = new Map<Call, () => eventWithTime[]>();

  constructor(private readonly options: EarlyOptions = {}) {}

  attach(target: AgentSocketHandlers): void {
    this.target = target;
    try {
      for (const call of this.calls.splice(0)) {
        const fresh = this.used.get(call);
        dispatch(target, fresh ? { name: 'snapshot', args: [fresh()] } : call);
      }
    } finally {
      this.used.clear();
      // In the task in which the console has drawn what the link had: the early picture is not
      // painted again, and the console's replica (or whatever it shows instead) is.
      this.options.view?.remove();
    }
  }

  get pictured(): boolean {
    return this.options.view?.shown === true && this.calls.some((c) => c.name === 'snapshot');
  }

  /** No console will take these reports: the early picture goes with them. */
  discard(): void {
    this.calls = [];
    this.used.clear();
    this.options.view?.remove();
  }

  link(...args: Parameters<AgentSocketHandlers['link']>): void {
    this.call({ name: 'link', args });
  }

  message(...args: Parameters<AgentSocketHandlers['message']>): void {
    this.call({ name: 'message', args });
  }

  snapshot(...args: Parameters<AgentSocketHandlers['snapshot']>): void {
    this.call({ name: 'snapshot', args });
  }

  delta(...args: Parameters<AgentSocketHandlers['delta']>): void {
    this.call({ name: 'delta', args });
  }

  customerPointer(...args: Parameters<AgentSocketHandlers['customerPointer']>): void {
    this.call({ name: 'customerPointer', args });
  }

  private call(call: Call): void {
    if (this.target) return dispatch(this.target, call);
    const superseded = SUPERSEDED_BY[call.name];
    if (superseded) this.calls = this.calls.filter((queued) => !superseded.has(queued.name));
    this.calls.push(call);
    let shown = false;
    // Only a snapshot the console can have afresh is pictured: the picture scrubs it in place.
    const fresh = call.name === 'snapshot' ? call.args[1] : undefined;
    if (call.name === 'snapshot' && fresh && this.options.view) {
      const result = this.options.view.show(call.args[0]);
      shown = result !== false;
      // Kept: the boot script had already pictured this snapshot from its own copy, and these
      // events are as they came; otherwise they may have been scrubbed in place.
      if (result !== 'kept') this.used.set(call, fresh);
    }
    this.options.onReport?.({ ...call, shown } as EarlyReport);
  }
}

function dispatch(target: AgentSocketHandlers, call: Call): void {
  (target[call.name] as (...args: Call['args']) => void)(...call.args);
}

export interface EarlyLink {
  socket: AgentSocket;
  /** The page shows the snapshot the link has for the console as a picture (early-view.ts). */
  pictured: boolean;
  /** Hands over what the socket reported so far, in order, and everything after. */
  attach(handlers: AgentSocketHandlers): void;
}

let early: { key: string; socket: AgentSocket; queue: HandlerQueue } | null = null;

const linkKey = (server: string, token: string) => `${server} ${token}`;

/**
 * Opens the link for this server and token now, for the console that will be created for them.
 * The boot script's link, if it opened one, is taken over with its picture: that view then
 * replaces `options.view`. Returns the view the link shows snapshots in.
 */
export function preconnect(server: string, token: string, options: EarlyOptions = {}): EarlyView | undefined {
  if (early) return undefined;
  const adopt = takeBootLink(server, token) ?? undefined;
  const view = adopt?.view ?? options.view;
  const queue = new HandlerQueue({ ...options, view });
  const socket = new AgentSocket({ server, token, handlers: queue, adopt });
  early = { key: linkKey(server, token), socket, queue };
  socket.start();
  return view;
}

/**
 * The link opened by preconnect() for this server and token, once: the console that takes it owns
 * it. A link opened for anything else is closed, since no console will ever take it.
 */
export function takeEarlyLink(server: string, token: string): EarlyLink | null {
  const taken = early;
  early = null;
  if (!taken) return null;
  if (taken.key !== linkKey(server, token)) {
    taken.socket.stop();
    taken.queue.discard();
    return null;
  }
  return { socket: taken.socket, pictured: taken.queue.pictured, attach: (handlers) => taken.queue.attach(handlers) };
}
