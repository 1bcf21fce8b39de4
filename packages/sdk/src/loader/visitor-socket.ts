// The page's control channel to Tandem (`/v1/visitor`): small JSON messages, each with a rising
// `seq`, `hello` first. Reconnects with backoff; whatever the page had told the server (identity)
// is told again on every new connection by the `onOpen` callback.
import type { VisitorClientMessage, VisitorServerMessage } from '@tandem/protocol';
import { CloseCode, reconnectDelay } from '@tandem/protocol/wire';
import { platform } from '../pristine-platform.ts';

type Outgoing = VisitorClientMessage extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never;

// Close codes after which trying again cannot help: wrong key, wrong origin, malformed messages.
const FATAL_CLOSES = new Set<number>([
  CloseCode.MALFORMED_MESSAGE, CloseCode.MESSAGE_TOO_LARGE, CloseCode.ORIGIN_NOT_ALLOWED, CloseCode.UNKNOWN_DEPLOYMENT, CloseCode.PROTOCOL_VIOLATION,
]);

export interface VisitorSocket {
  isOpen(): boolean;
  send(message: Outgoing): void;
  request(message: Outgoing): Promise<VisitorServerMessage>;
  close(): void;
}

export function openVisitorSocket(
  server: string,
  deploymentKey: string,
  onMessage: (message: VisitorServerMessage) => void,
  onOpen: (socket: VisitorSocket) => void,
): VisitorSocket {
  const url = `${server.replace(/^http/, 'ws')}/v1/visitor?deployment=${encodeURIComponent(deploymentKey)}`;
  let ws: WebSocket | null = null;
  let seq = 0;
  let attempt = 0;
  let closed = false;
  let ready = false;
  let queue: string[] = [];
  const waiting = new Map<number, (m: VisitorServerMessage) => void>();

  const write = (message: Outgoing): number => {
    const id = ++seq;
    const text = platform.stringify({ ...message, seq: id });
    if (ready && ws) platform.send(ws, text);
    else queue.push(text);
    return id;
  };

  const api: VisitorSocket = {
    isOpen: () => ready,
    send(message) {
      write(message);
    },
    request(message) {
      return new Promise((resolve) => waiting.set(write(message), resolve));
    },
    close() {
      closed = true;
      ws?.close(1000);
    },
  };

  const connect = (): void => {
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      // A fresh socket has a fresh sequence on the server side; hello must be first. It says
      // nothing about the page: before consent the server learns only what routes an invite, and
      // never the page's address (its query and fragment hold reset tokens and OAuth secrets).
      seq = 0;
      const pending = queue;
      queue = [];
      platform.send(socket, platform.stringify({ type: 'hello', seq: ++seq, v: 1 }));
      ready = true;
      onOpen(api);
      for (const text of pending) {
        const parsed = JSON.parse(text) as { seq: number };
        const old = parsed.seq;
        parsed.seq = ++seq;
        const resolve = waiting.get(old);
        if (resolve) {
          waiting.delete(old);
          waiting.set(parsed.seq, resolve);
        }
        platform.send(socket, platform.stringify(parsed));
      }
    };
    socket.onmessage = (event) => {
      let message: VisitorServerMessage;
      try {
        message = JSON.parse(String(event.data)) as VisitorServerMessage;
      } catch {
        return;
      }
      const re = 're' in message ? message.re : undefined;
      const resolve = re === undefined ? undefined : waiting.get(re);
      if (re !== undefined && resolve) {
        waiting.delete(re);
        resolve(message);
      }
      onMessage(message);
    };
    socket.onclose = (event) => {
      ready = false;
      if (ws !== socket) return;
      ws = null;
      // Requests in flight on a dead socket get no answer; their callers hear an error instead.
      for (const resolve of waiting.values()) resolve({ type: 'error', code: 'invite_not_available', message: 'connection lost' });
      waiting.clear();
      if (closed || FATAL_CLOSES.has(event.code)) return;
      setTimeout(connect, reconnectDelay(attempt++));
    };
  };
  connect();
  return api;
}
