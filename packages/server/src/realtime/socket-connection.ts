import type { TSchema, Static } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { RawData, WebSocket } from 'ws';
import { CLOSE_CODES, type CloseCodeName } from '@tandem/protocol';
import type { Logger } from 'pino';
import { StoreUnavailableError } from '../shared/store-unavailable.ts';
import type { Metrics } from '../wiring/metrics.ts';
import type { SocketKind } from './socket-admission.ts';
import type { RelayPeer } from './session-relay.ts';
import { asBuffer, readJsonMessage } from './json-message.ts';

export type SocketMetrics = Pick<Metrics, 'sockets' | 'socketCloses'>;

/** One options object for every binary send (ws copies what it reads from it). */
const BINARY = { binary: true } as const;

/** What every socket of one kind may send: the limits the connection enforces before a gateway sees anything. */
export interface SocketRules<T extends TSchema> {
  kind: SocketKind;
  /** The schema every text message must match (else MALFORMED_MESSAGE). */
  check: TypeCheck<T>;
  /** Largest message, in bytes, once authenticated (else MESSAGE_TOO_LARGE). */
  maxBytes: number;
  /** Largest message before authentication: nothing large is read for a stranger. */
  maxBytesBeforeAuth?: number;
  /** Fixed-window message rate (else RATE_LIMITED). */
  rate: { windowMs: number; max: number };
  /**
   * The socket authenticates with its first message, of this type, within `authTimeoutMs`
   * (else UNAUTHORIZED). Without it the socket is authenticated when it opens.
   */
  auth?: { messageType: string; timeoutMs: number };
}

/** What a gateway supplies: who the socket is, and what its messages do. */
export interface SocketHandler<T extends TSchema, Id> {
  /** Checks the auth message: the socket's identity, or the close that refuses it. */
  authenticate?(message: Static<T>): Promise<Id | CloseCodeName>;
  /** Runs once the identity is known; it may send and subscribe (a store failure closes with TRY_AGAIN_LATER). */
  ready?(identity: Id): Promise<void> | void;
  /** Spends `bytes` of an authenticated socket's byte budget; false closes with BYTE_RATE_EXCEEDED. */
  admit?(identity: Id, bytes: number, now: number): boolean;
  /** A binary frame of an authenticated socket; without this, binary frames are MALFORMED_MESSAGE. */
  binary?(identity: Id, frame: Uint8Array): CloseCodeName | void;
  /** A valid text message of an authenticated socket; a close name ends the socket. */
  handle(identity: Id, message: Static<T>): CloseCodeName | void;
  /** The socket has closed, for whatever reason. */
  closed?(identity: Id | null): void;
}

/**
 * One WebSocket of any kind, from open to close: it enforces the size limit, the rate window,
 * the binary policy, the schema, the auth deadline and authenticate-once, closes with a named
 * code (counted by kind and reason), and keeps ws's protocol faults from crashing the server.
 * A gateway supplies only the handler. It is the socket's relay peer too.
 */
export class SocketConnection<T extends TSchema, Id> implements RelayPeer {
  private identity: Id | null = null;
  private authenticating = false;
  private authTimer: NodeJS.Timeout | null = null;
  private windowStart = Date.now();
  private windowCount = 0;
  private readonly handler: SocketHandler<T, Id>;

  constructor(
    readonly ws: WebSocket,
    private readonly rules: SocketRules<T>,
    handler: (connection: SocketConnection<T, Id>) => SocketHandler<T, Id>,
    private readonly metrics: SocketMetrics,
    private readonly log: Logger,
    identity: Id | null = null,
  ) {
    this.identity = identity;
    this.handler = handler(this);
    if (rules.auth && !this.handler.authenticate) throw new Error(`${rules.kind} sockets authenticate but their handler has no authenticate()`);
    metrics.sockets.inc({ kind: rules.kind });
    if (rules.auth) this.authTimer = setTimeout(() => this.close('UNAUTHORIZED'), rules.auth.timeoutMs);
    // ws reports protocol faults (e.g. a frame over maxPayload, closed with 1009) as errors on the
    // socket; unhandled, one bad client would crash the server.
    ws.on('error', (err) => this.log.debug({ err }, 'socket error'));
    ws.on('close', () => this.onClose());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Closes with a named code; the close is counted by kind and reason. */
  close(name: CloseCodeName) {
    if (this.ws.readyState !== this.ws.OPEN && this.ws.readyState !== this.ws.CONNECTING) return;
    const { code, reason } = CLOSE_CODES[name];
    this.metrics.socketCloses.inc({ kind: this.rules.kind, reason: name });
    this.ws.close(code, reason);
  }

  sendJson(message: object) {
    if (this.open) this.ws.send(JSON.stringify(message));
  }

  sendFrame(frame: Uint8Array) {
    if (this.open) this.ws.send(frame, BINARY);
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  private onClose() {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.metrics.sockets.dec({ kind: this.rules.kind });
    this.handler.closed?.(this.identity);
  }

  private onMessage(data: RawData, isBinary: boolean) {
    const buf = asBuffer(data);
    const { rules, identity } = this;
    const limit = identity === null && rules.maxBytesBeforeAuth !== undefined ? rules.maxBytesBeforeAuth : rules.maxBytes;
    if (buf.byteLength > limit) return this.close('MESSAGE_TOO_LARGE');
    const now = Date.now();
    if (now - this.windowStart > rules.rate.windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > rules.rate.max) return this.close('RATE_LIMITED');
    if (identity !== null && this.handler.admit && !this.handler.admit(identity, buf.byteLength, now)) return this.close('BYTE_RATE_EXCEEDED');

    if (isBinary) {
      if (!this.handler.binary) return this.close('MALFORMED_MESSAGE');
      if (identity === null) return this.close(this.authenticating ? 'PROTOCOL_VIOLATION' : 'UNAUTHORIZED');
      // The Buffer itself (a Uint8Array): relayed on as it is, ws sends it without wrapping it again.
      const refusal = this.handler.binary(identity, buf);
      return refusal ? this.close(refusal) : undefined;
    }
    const message = readJsonMessage(buf, rules.check);
    if (!message) return this.close('MALFORMED_MESSAGE');
    if (rules.auth && (message as { type?: unknown }).type === rules.auth.messageType) {
      if (identity !== null || this.authenticating) return this.close('PROTOCOL_VIOLATION');
      return this.authenticate(message);
    }
    if (identity === null) return this.close('UNAUTHORIZED');
    const refusal = this.handler.handle(identity, message);
    if (refusal) this.close(refusal);
  }

  /**
   * Authenticates with what the client sent in its handshake, as if it were its first message;
   * an `auth` message after it is then a protocol violation, like a second one.
   */
  authenticateWith(message: Static<T>) {
    if (!this.rules.auth || this.identity !== null || this.authenticating) return;
    if (!this.rules.check.Check(message)) return this.close('UNAUTHORIZED');
    this.authenticate(message);
  }

  private authenticate(message: Static<T>) {
    this.authenticating = true;
    const { handler } = this;
    if (!handler.authenticate) return;
    handler.authenticate(message).then(
      async (outcome) => {
        if (this.authTimer) clearTimeout(this.authTimer);
        if (!this.open) return;
        if (typeof outcome === 'string' && outcome in CLOSE_CODES) return this.close(outcome as CloseCodeName);
        const identity = outcome as Id;
        this.identity = identity;
        await handler.ready?.(identity);
      },
      (err: unknown) => {
        if (err instanceof StoreUnavailableError) return this.close('TRY_AGAIN_LATER');
        this.log.error({ err }, `${this.rules.kind} auth failed`);
        this.close('UNAUTHORIZED');
      },
    ).catch((err: unknown) => {
      // The store failed while the socket was being set up: the client reconnects and tries again.
      if (err instanceof StoreUnavailableError) return this.close('TRY_AGAIN_LATER');
      this.log.error({ err }, `${this.rules.kind} socket setup failed`);
      this.close('INTERNAL_ERROR');
    });
  }
}
