import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WebSocketServer } from 'ws';
import { CaptureClientMessage, RELAY_MAX_FRAME_BYTES, type CloseCodeName } from '@tandem/protocol';
import type { Services } from '../wiring/services.ts';
import type { Metrics } from '../wiring/metrics.ts';
import { DomainError } from '../shared/domain-error.ts';
import type { RelayRegistry } from './relay-registry.ts';
import type { SessionRelay } from './session-relay.ts';
import { SocketConnection, type SocketHandler, type SocketRules } from './socket-connection.ts';

const checkMessage = TypeCompiler.Compile(CaptureClientMessage);

export const CAPTURE_PATH = '/v1/capture';
const RATE_WINDOW_MS = 5_000;

/** The session a capture token and its recorded consent let a page stream. */
interface CaptureIdentity {
  sessionId: string;
  orgId: string;
  conversationId: string;
  agentName: string;
  control: boolean;
}

type CaptureConnection = SocketConnection<typeof CaptureClientMessage, CaptureIdentity>;

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
  /** Sessions whose page streams to this node, and its socket: their resume window is kept open in the database. */
  private readonly held = new Map<string, CaptureConnection>();
  private readonly keepAliveTimer: NodeJS.Timeout;
  private readonly connections = new Set<CaptureConnection>();
  private readonly rules: SocketRules<typeof CaptureClientMessage>;

  constructor(private readonly s: Services, private readonly relays: RelayRegistry, private readonly metrics: Metrics, opts: CaptureGatewayOptions) {
    this.rules = {
      kind: 'capture',
      check: checkMessage,
      maxBytes: RELAY_MAX_FRAME_BYTES,
      // Before auth only the small auth message may come: nothing large is read for a stranger.
      maxBytesBeforeAuth: 16 * 1024,
      rate: { windowMs: RATE_WINDOW_MS, max: (opts.framesPerSecond * RATE_WINDOW_MS) / 1000 },
      auth: { messageType: 'auth', timeoutMs: 10_000 },
    };
    // A few keep-alives per window, so one late write never ends a session that is streaming.
    this.keepAliveTimer = setInterval(() => this.keepAlive([...this.held.keys()]), Math.max(200, Math.min(10_000, opts.resumeWindowMs / 3)));
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
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: CaptureConnection = new SocketConnection(ws, this.rules, (c) => this.stream(c), this.metrics, this.s.log);
      this.connections.add(conn);
    });
  }

  /** One page's stream: it feeds its session's relay once its token and consent are checked. */
  private stream(conn: CaptureConnection): SocketHandler<typeof CaptureClientMessage, CaptureIdentity> {
    let relay: SessionRelay | null = null;
    return {
      authenticate: (msg) => (msg.type === 'auth' ? this.authenticate(msg.token) : Promise.resolve('PROTOCOL_VIOLATION')),
      ready: (r) => {
        this.held.set(r.sessionId, conn);
        this.keepAlive([r.sessionId]);
        // One page streams a session at a time: a reload or a reconnect (to any node) replaces the old socket.
        relay = this.relays.attachCapture(r.sessionId, r.orgId, r.conversationId, conn);
        conn.sendJson({ type: 'ready', sessionId: r.sessionId, agentName: r.agentName, control: r.control });
      },
      admit: (_r, bytes, now) => relay?.admit(bytes, now) ?? true,
      binary: (_r, frame) => {
        const problem = relay?.fromCapture(frame);
        if (problem === 'malformed') return 'MALFORMED_MESSAGE';
        if (problem === 'out_of_order') return 'PROTOCOL_VIOLATION';
      },
      handle: (_r, msg) => {
        if (msg.type === 'control.result') relay?.toAgents({ type: 'control.result', id: msg.id, ok: msg.ok, ...(msg.error ? { error: msg.error } : {}) });
      },
      closed: () => {
        this.connections.delete(conn);
        if (!relay) return;
        relay.detachCapture(conn);
        if (this.held.get(relay.sessionId) === conn) {
          this.held.delete(relay.sessionId);
          // The page has RESUME_WINDOW_SECONDS from now to come back (to any node); after that the
          // sweeper ends the session with customer_left, after a restart too.
          this.keepAlive([relay.sessionId]);
        }
        this.relays.release(relay);
      },
    };
  }

  private async authenticate(token: string): Promise<CaptureIdentity | CloseCodeName> {
    let claims;
    try {
      claims = await this.s.tokens.verifyCapture(token);
    } catch (err) {
      if (err instanceof DomainError) return 'UNAUTHORIZED';
      throw err;
    }
    const grant = await this.s.sessions.streamGrant(claims);
    if ('refused' in grant) return grant.refused === 'ended' ? 'SESSION_ENDED' : 'UNAUTHORIZED';
    const { session, agentName } = grant;
    return { sessionId: session.id, orgId: session.orgId, conversationId: session.conversationId, agentName, control: session.control };
  }

  closeAll() {
    clearInterval(this.keepAliveTimer);
    for (const conn of this.connections) conn.close('SERVER_SHUTDOWN');
  }
}
