import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WebSocketServer } from 'ws';
import { AgentClientMessage } from '@tandem/protocol';
import { AGENT_SUBPROTOCOL, tokenFromProtocols } from '@tandem/protocol/wire';
import type { Services } from '../wiring/services.ts';
import type { Metrics } from '../wiring/metrics.ts';
import { CLIENT_STATUS_TTL_MS } from '../auth/client-status.ts';
import type { RelayRegistry } from './relay-registry.ts';
import { AgentConsole, type AgentConnection } from './agent-console.ts';
import { SocketConnection, type SocketRules } from './socket-connection.ts';

export const AGENT_PATH = '/v1/agent';

const RULES: SocketRules<typeof AgentClientMessage> = {
  kind: 'agent',
  check: TypeCompiler.Compile(AgentClientMessage),
  maxBytes: 16 * 1024,
  rate: { windowMs: 5_000, max: 1_000 },
  auth: { messageType: 'auth', timeoutMs: 10_000 },
};

/**
 * The agent console's socket: one agent on one call (see AgentConsole for what it does).
 * The gateway accepts consoles and cuts off those whose API client is revoked.
 */
export class AgentGateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Only our protocol is ever selected: the token offered beside it is not echoed back.
    handleProtocols: (offered) => (offered.has(AGENT_SUBPROTOCOL) ? AGENT_SUBPROTOCOL : false),
  });
  /** Open consoles and, once authenticated, the API client their token came from, checked for revocation. */
  private readonly consoles = new Map<AgentConnection, string | null>();
  private readonly revocationTimer: NodeJS.Timeout;

  constructor(private readonly s: Services, private readonly relays: RelayRegistry, private readonly metrics: Metrics) {
    this.revocationTimer =
      setInterval(() => void this.closeRevoked().catch((err) => this.s.log.warn({ err }, 'agent revocation check failed')), CLIENT_STATUS_TTL_MS);
    this.revocationTimer.unref();
  }

  /** A revoked API client's consoles are cut off within seconds, not when their tokens expire. */
  private async closeRevoked() {
    const revoked = new Set<string>();
    for (const clientId of new Set(this.consoles.values())) {
      if (clientId !== null && !(await this.s.tokens.clientActive(clientId))) revoked.add(clientId);
    }
    if (!revoked.size) return;
    for (const [conn, clientId] of this.consoles) if (clientId !== null && revoked.has(clientId)) conn.close('UNAUTHORIZED');
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    // A console that offered its token in the handshake is authenticated as if its first message
    // had been `auth` (@tandem/protocol/wire agent-handshake.ts); one that did not sends that message.
    const token = tokenFromProtocols(req.headers['sec-websocket-protocol']);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: AgentConnection = new SocketConnection(ws, RULES, (c) => new AgentConsole(c, this.s, this.relays, {
        authenticated: (clientId) => this.consoles.set(c, clientId),
        closed: () => this.consoles.delete(c),
      }), this.metrics, this.s.log);
      this.consoles.set(conn, null);
      if (token !== null) conn.authenticateWith({ type: 'auth', token });
    });
  }

  closeAll() {
    clearInterval(this.revocationTimer);
    for (const conn of this.consoles.keys()) conn.close('SERVER_SHUTDOWN');
  }
}
