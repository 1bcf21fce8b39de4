// The console's one connection to Tandem: `/v1/agent`. JSON control messages both ways, binary
// page frames from the customer's browser in. Keeps the replica's stream gap-free (see
// seq-tracker.ts) and reconnects with backoff, because an agent on a call cannot be asked to reload.
import type { AgentClientMessage, AgentServerMessage } from '@tandem/protocol';
import type { eventWithTime } from '@rrweb/types';
import { AGENT_SUBPROTOCOL, CloseCode, FRAME_KIND, agentSocketProtocols, decodeFrameHeader, reconnectDelay } from '@tandem/protocol/wire';
import { PageFrameReader } from './page-frame.ts';
import type { FrameResult } from './page-frame.ts';
import type { PagePoint } from './page-frame.ts';
import { SeqTracker } from './seq-tracker.ts';
import type { SeqVerdict } from './seq-tracker.ts';
import type { EarlyView } from './early-view.ts';

/** The console's own link to the server (the customer's link is in the view). */
export type ConsoleLink = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'replaced' | 'call_ended';

export interface AgentSocketHandlers {
  link(state: ConsoleLink): void;
  message(message: AgentServerMessage): void;
  /** fresh(): the same events read again, for a reader that changes them in place (early-link.ts). */
  snapshot(events: eventWithTime[], fresh?: () => eventWithTime[]): void;
  delta(events: eventWithTime[]): void;
  customerPointer(point: PagePoint): void;
}

export interface AgentSocketOptions {
  /** http(s) origin of the Tandem server */
  server: string;
  token: string;
  handlers: AgentSocketHandlers;
  /** A socket the page opened for this server and token before this code loaded (console-boot.ts). */
  adopt?: BootLink;
}

/** The console page's first socket, opened by its boot script, with what it received meanwhile. */
export interface BootLink {
  socket: WebSocket;
  /** Message data in arrival order, until the link is adopted. */
  received: unknown[];
  /** Stops the boot script's buffering; what it buffered stays in `received`. */
  release(): void;
  /** Where the boot script pictures the first snapshot it receives (boot-picture.ts); taken over with the socket. */
  view?: EarlyView;
  /** While the boot script reads and draws that snapshot: settles when it is drawn (or could not be). */
  picturing?: () => Promise<void> | null;
}

/**
 * A socket to the agent endpoint that carries the token in its handshake when it can (and
 * `handshake` is not false: see AgentSocket's fallback).
 */
export function openAgentSocket(server: string, token: string, handshake = true): WebSocket {
  const protocols = handshake ? agentSocketProtocols(token) : null;
  const socket = protocols ? new WebSocket(agentSocketUrl(server), protocols) : new WebSocket(agentSocketUrl(server));
  socket.binaryType = 'arraybuffer';
  return socket;
}

// Close codes after which trying again cannot help: the token is bad or expired, this console was
// opened again elsewhere and the newer one should win, or the call ended (and the token with it).
const FINAL_CLOSES = new Map<number, ConsoleLink>([
  [CloseCode.UNAUTHORIZED, 'unauthorized'],
  [CloseCode.REPLACED, 'replaced'],
  [CloseCode.CALL_ENDED, 'call_ended'],
]);

export function agentSocketUrl(server: string): string {
  const url = new URL('/v1/agent', server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export class AgentSocket {
  private socket: WebSocket | null = null;
  private state: ConsoleLink = 'connecting';
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private authByMessage = false;
  private readonly tracker = new SeqTracker();
  private readonly reader = new PageFrameReader();
  // Frames are handled in arrival order. Only a compressed snapshot takes time (the browser
  // inflates it asynchronously); what arrives meanwhile waits behind it, since it is read against it.
  private busy: Promise<void> | null = null;
  private pendingPointer: Extract<AgentClientMessage, { type: 'pointer' }> | null = null;
  private pointerFrame: number | null = null;

  constructor(private readonly options: AgentSocketOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.pointerFrame !== null) cancelAnimationFrame(this.pointerFrame);
    this.socket?.close(1000);
    this.socket = null;
  }

  /** False when not connected: the caller shows the action as unavailable rather than queueing it. */
  send(message: AgentClientMessage): boolean {
    if (this.state !== 'live' || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * The agent's pointer moves at mouse rate; the customer only needs the latest position once per
   * frame. Each position is its own message (never batched), so the customer's overlay moves as
   * soon as one arrives.
   */
  sendPointer(x: number, y: number, visible: boolean): void {
    this.pendingPointer = { type: 'pointer', x: Math.round(x), y: Math.round(y), visible };
    if (!visible) {
      // Hiding must not wait for a frame that a background tab may never paint.
      this.flushPointer();
      return;
    }
    this.pointerFrame ??= requestAnimationFrame(() => this.flushPointer());
  }

  private flushPointer(): void {
    if (this.pointerFrame !== null) cancelAnimationFrame(this.pointerFrame);
    this.pointerFrame = null;
    const message = this.pendingPointer;
    this.pendingPointer = null;
    if (message) this.send(message);
  }

  private setState(state: ConsoleLink): void {
    if (state === this.state) return;
    this.state = state;
    this.options.handlers.link(state);
  }

  private open(): void {
    // The boot script's socket, once, if it is still usable; every reconnect opens its own.
    const adopted = this.options.adopt;
    this.options.adopt = undefined;
    adopted?.release();
    const reusable = adopted && (adopted.socket.readyState === WebSocket.CONNECTING || adopted.socket.readyState === WebSocket.OPEN);
    if (adopted && !reusable) adopted.socket.close();
    const socket = reusable ? adopted.socket : openAgentSocket(this.options.server, this.options.token, !this.authByMessage);
    this.socket = socket;
    let wasOpen = socket.readyState === WebSocket.OPEN;
    const opened = () => {
      wasOpen = true;
      // A server that took the token from the handshake selected our protocol; otherwise it is sent now.
      if (socket.protocol !== AGENT_SUBPROTOCOL) socket.send(JSON.stringify({ type: 'auth', token: this.options.token } satisfies AgentClientMessage));
      this.inOrder(() => {
        this.tracker.reset();
        this.reader.reset();
      });
    };
    const received = (data: unknown) => {
      if (socket !== this.socket) return;
      if (data instanceof ArrayBuffer) {
        const bytes = new Uint8Array(data);
        this.inOrder(() => this.handleFrame(bytes));
      } else if (typeof data === 'string') {
        this.handleText(data);
      }
    };
    if (reusable && socket.readyState === WebSocket.OPEN) opened();
    else socket.addEventListener('open', opened);
    if (reusable) for (const data of adopted.received.splice(0)) received(data);
    socket.addEventListener('message', (event: MessageEvent<unknown>) => received(event.data));
    socket.addEventListener('close', (event) => {
      if (socket !== this.socket) return;
      // A socket that never opened may have met a balancer that drops the subprotocol header (the
      // browser then refuses the answer), or no server at all: the next attempt tries the other
      // way of sending the token, and keeps to whichever opens.
      if (!wasOpen) this.authByMessage = !this.authByMessage;
      this.socket = null;
      if (this.stopped) return;
      const final = FINAL_CLOSES.get(event.code);
      if (final) return this.setState(final);
      this.setState('reconnecting');
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    // The protocol's one jittered schedule: a server restart must not be met by every console at once.
    const delay = reconnectDelay(this.attempts);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  private handleText(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') return;
    const typed = message as AgentServerMessage;
    if (typed.type === 'ready') {
      this.attempts = 0;
      this.setState('live');
    }
    this.options.handlers.message(typed);
  }

  private inOrder(op: () => void | Promise<void>): void {
    const run = this.busy ? this.busy.then(op) : op();
    if (!run) return;
    const tracked: Promise<void> = run.catch(() => undefined).then(() => {
      if (this.busy === tracked) this.busy = null;
    });
    this.busy = tracked;
  }

  private handleFrame(bytes: Uint8Array): void | Promise<void> {
    // A delta is judged by its number before it is read: one the replica cannot apply is not
    // inflated at all, and the snapshot request says why (joined vs gap).
    const header = decodeFrameHeader(bytes);
    if (header?.kind === FRAME_KIND.DELTA) {
      const verdict = this.tracker.delta(header.seq);
      if (verdict !== 'apply') return this.act(verdict);
    }
    const result = this.reader.read(bytes);
    if (result instanceof Promise) return result.then((r) => this.apply(r));
    this.apply(result);
  }

  private apply(result: FrameResult): void {
    const { handlers } = this.options;
    if (!result.ok) {
      if (result.sequenced) this.act(this.tracker.lost());
      return;
    }
    const frame = result.frame;
    if (!frame) return;
    if (frame.kind === 'pointer') return handlers.customerPointer(frame.point);
    if (frame.kind === 'snapshot') {
      this.tracker.snapshot(frame.seq);
      return handlers.snapshot(frame.events, frame.fresh);
    }
    handlers.delta(frame.events);
  }

  private act(verdict: SeqVerdict): void {
    const reason = verdict === 'request-gap' ? 'agent_gap' : verdict === 'request-join' ? 'agent_joined' : null;
    if (!reason || this.socket?.readyState !== WebSocket.OPEN) return;
    // Not send(), which waits for the link to be live: the relay sends its frames before the view
    // that makes it live, and a frame on this socket means the server has accepted its auth.
    this.socket.send(JSON.stringify({ type: 'snapshot.request', reason } satisfies AgentClientMessage));
  }
}
