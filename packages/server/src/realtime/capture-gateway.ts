import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_CODES, CaptureClientMessage, RELAY_MAX_FRAME_BYTES, type CloseCodeName } from '@tandem/protocol';
import type { Services } from '../api/services.ts';
import type { Metrics } from '../api/metrics.ts';
import { DomainError } from '../domain/domain-error.ts';
import { StoreUnavailableError } from '../store/store-unavailable.ts';
import type { RelayRegistry } from './relay-registry.ts';
import type { SessionRelay } from './session-relay.ts';
import { wsPeer } from './ws-peer.ts';
import { asBuffer, readJsonMessage } from './json-message.ts';

const checkMessage = TypeCompiler.Compile(CaptureClientMessage);

export const CAPTURE_PATH = '/v1/capture';
const AUTH_TIMEOUT_MS = 10_000;
const RATE_WINDOW_MS = 5_000;
/** Before auth only the small auth message may come: nothing large is read for a stranger. */
const MAX_UNAUTHENTICATED_BYTES = 16 * 1024;

export interface CaptureGatewayOptions {
  /** How long a page may be gone (reload, network drop) before the session ends with customer_left. */
  resumeWindowMs: number;
  /** Frames a page may send per second on average (DOM bursts, pointer moves) before it is cut off. */
  framesPerSecond: number;
}

/**
 * The customer's page streams its tab here after consent. Only a session with a recorded
 * acceptance, still active, is relayed; the capture token names the session and the page.
 */
export class CaptureGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: RELAY_MAX_FRAME_BYTES + 1024 });
  /** Sessions whose page streams to this node: their resume window is kept open in the database. */
  private readonly held = new Set<string>();
  private readonly keepAliveTimer: NodeJS.Timeout;

  constructor(private readonly s: Services, private readonly relays: RelayRegistry, private readonly metrics: Metrics, private readonly opts: CaptureGatewayOptions) {
    // A few keep-alives per window, so one late write never ends a session that is streaming.
    this.keepAliveTimer = setInterval(() => this.keepAlive([...this.held]), Math.max(200, Math.min(10_000, opts.resumeWindowMs / 3)));
    this.keepAliveTimer.unref();
  }

  /** Whether this node holds the page of a session (the sweeper leaves those alone). */
  holds(sessionId: string): boolean {
    return this.held.has(sessionId);
  }

  private keepAlive(sessionIds: string[]) {
    this.s.sessions.keepAlive(sessionIds).catch((err) => this.s.log.warn({ err }, 'keeping resume windows open failed'));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private close(ws: WebSocket, name: CloseCodeName) {
    const { code, reason } = CLOSE_CODES[name];
    this.metrics.visitorCloses.inc({ reason: `capture_${name}` });
    ws.close(code, reason);
  }

  private accept(ws: WebSocket) {
    let relay: SessionRelay | null = null;
    let authing = false;
    const peer = wsPeer(ws);
    let windowStart = Date.now();
    let frames = 0;
    const authTimer = setTimeout(() => this.close(ws, 'UNAUTHORIZED'), AUTH_TIMEOUT_MS);

    // ws reports protocol faults (e.g. a frame over maxPayload, closed with 1009) as errors on the
    // socket; unhandled, one bad client would crash the server.
    ws.on('error', (err) => this.s.log.debug({ err }, 'socket error'));
    ws.on('close', () => {
      clearTimeout(authTimer);
      if (!relay) return;
      relay.detachCapture(peer);
      if (!relay.capture && this.held.delete(relay.sessionId)) {
        // The page has RESUME_WINDOW_SECONDS from now to come back (to any node); after that the
        // sweeper ends the session with customer_left, after a restart too.
        this.keepAlive([relay.sessionId]);
      }
      this.relays.release(relay);
    });

    ws.on('message', (data, isBinary) => {
      const buf = asBuffer(data);
      const now = Date.now();
      if (now - windowStart > RATE_WINDOW_MS) {
        windowStart = now;
        frames = 0;
      }
      if (++frames > (this.opts.framesPerSecond * RATE_WINDOW_MS) / 1000) return this.close(ws, 'RATE_LIMITED');
      if (buf.byteLength > RELAY_MAX_FRAME_BYTES) return this.close(ws, 'MESSAGE_TOO_LARGE');
      if (!relay && buf.byteLength > MAX_UNAUTHENTICATED_BYTES) return this.close(ws, 'MESSAGE_TOO_LARGE');
      if (relay && !relay.admit(buf.byteLength, now)) return this.close(ws, 'BYTE_RATE_EXCEEDED');

      if (isBinary) {
        if (!relay) return this.close(ws, authing ? 'PROTOCOL_VIOLATION' : 'UNAUTHORIZED');
        const problem = relay.fromCapture(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        if (problem === 'malformed') return this.close(ws, 'MALFORMED_MESSAGE');
        if (problem === 'out_of_order') return this.close(ws, 'PROTOCOL_VIOLATION');
        return;
      }
      const msg = readJsonMessage(buf, checkMessage);
      if (!msg) return this.close(ws, 'MALFORMED_MESSAGE');
      if (msg.type === 'auth') {
        if (relay || authing) return this.close(ws, 'PROTOCOL_VIOLATION');
        authing = true;
        void this.authenticate(msg.token).then(
          (r) => {
            clearTimeout(authTimer);
            if (ws.readyState !== ws.OPEN) return;
            if ('close' in r) return this.close(ws, r.close);
            relay = this.relays.obtain(r.sessionId, r.orgId, r.conversationId);
            const previous = relay.capture;
            // One page streams a session at a time: a reload or a reconnect replaces the old socket.
            if (previous) previous.close(CLOSE_CODES.REPLACED.code, CLOSE_CODES.REPLACED.reason);
            this.held.add(r.sessionId);
            this.keepAlive([r.sessionId]);
            relay.attachCapture(peer);
            peer.sendJson({ type: 'ready', sessionId: r.sessionId, agentName: r.agentName, control: r.control });
          },
          (err) => {
            if (err instanceof StoreUnavailableError) return this.close(ws, 'TRY_AGAIN_LATER');
            this.s.log.error({ err }, 'capture auth failed');
            this.close(ws, 'UNAUTHORIZED');
          },
        );
        return;
      }
      if (!relay) return this.close(ws, 'UNAUTHORIZED');
      if (msg.type === 'control.result') relay.toAgents({ type: 'control.result', id: msg.id, ok: msg.ok, ...(msg.error ? { error: msg.error } : {}) });
    });
  }

  private async authenticate(token: string): Promise<{ sessionId: string; orgId: string; conversationId: string; agentName: string; control: boolean } | { close: CloseCodeName }> {
    let claims;
    try {
      claims = await this.s.tokens.verifyCapture(token);
    } catch (err) {
      if (err instanceof DomainError) return { close: 'UNAUTHORIZED' };
      throw err;
    }
    const session = await this.s.sessions.record(claims.sessionId);
    if (!session || session.orgId !== claims.orgId || session.visitorId !== claims.visitorId) return { close: 'UNAUTHORIZED' };
    if (session.state !== 'active') return { close: 'SESSION_ENDED' };
    // The relay refuses a session that has no recorded acceptance, whatever the token says.
    const consent = await this.s.db.query(
      "SELECT 1 FROM consents WHERE session_id = $1 AND kind = 'share' AND decision = 'accepted'",
      [session.id],
    );
    if (!consent.length) return { close: 'UNAUTHORIZED' };
    const [inv] = await this.s.db.query<{ agent_name: string }>('SELECT agent_name FROM invites WHERE id = $1', [session.inviteId]);
    return { sessionId: session.id, orgId: session.orgId, conversationId: session.conversationId, agentName: inv?.agent_name ?? 'Your agent', control: session.control };
  }

  closeAll() {
    clearInterval(this.keepAliveTimer);
    for (const ws of this.wss.clients) this.close(ws, 'SERVER_SHUTDOWN');
  }
}
