// The console page's link to Tandem, opened before the console itself has loaded. The page knows
// its token from its address, so the socket, its auth and the relay's cached snapshot can travel
// (and the snapshot be inflated and parsed) while the browser is still fetching and compiling the
// console, most of which is rrweb: the agent sees the customer's page that much sooner (bench:
// agent join). Until a console takes the link over, whatever the socket reports is kept in order.
import { AgentSocket } from './agent-socket.ts';
import type { AgentSocketHandlers } from './agent-socket.ts';

type HandlerName = keyof AgentSocketHandlers;
type Call = { [K in HandlerName]: { name: K; args: Parameters<AgentSocketHandlers[K]> } }[HandlerName];
// A snapshot starts the replica over, and a pointer position only matters until the next one:
// what they supersede is dropped from the queue rather than drawn to be thrown away.
const SUPERSEDED_BY: Partial<Record<HandlerName, ReadonlySet<HandlerName>>> = {
  snapshot: new Set<HandlerName>(['snapshot', 'delta', 'customerPointer']),
  customerPointer: new Set<HandlerName>(['customerPointer']),
};

/** Handlers that queue every call until a console attaches, then pass them straight through. */
export class HandlerQueue implements AgentSocketHandlers {
  private target: AgentSocketHandlers | null = null;
  private calls: Call[] = [];

  attach(target: AgentSocketHandlers): void {
    this.target = target;
    for (const call of this.calls.splice(0)) dispatch(target, call);
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
  }
}

function dispatch(target: AgentSocketHandlers, call: Call): void {
  (target[call.name] as (...args: Call['args']) => void)(...call.args);
}

export interface EarlyLink {
  socket: AgentSocket;
  /** Hands over what the socket reported so far, in order, and everything after. */
  attach(handlers: AgentSocketHandlers): void;
}

let early: { key: string; socket: AgentSocket; queue: HandlerQueue } | null = null;

const linkKey = (server: string, token: string) => `${server} ${token}`;

/** Opens the link for this server and token now, for the console that will be created for them. */
export function preconnect(server: string, token: string): void {
  if (early) return;
  const queue = new HandlerQueue();
  const socket = new AgentSocket({ server, token, handlers: queue });
  early = { key: linkKey(server, token), socket, queue };
  socket.start();
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
    return null;
  }
  return { socket: taken.socket, attach: (handlers) => taken.queue.attach(handlers) };
}
