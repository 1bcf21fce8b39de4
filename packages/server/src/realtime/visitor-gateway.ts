import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { WebSocketServer, type WebSocket } from 'ws';
import { VISITOR_MAX_MESSAGE_BYTES, VisitorClientMessage, type CloseCodeName, type VisitorServerMessage } from '@tandem/protocol';
import type { Services } from '../wiring/services.ts';
import type { Metrics } from '../wiring/metrics.ts';
import { visitorErrorCode, wireError } from '../shared/wire-error.ts';
import { verifyIdentityToken } from '../auth/identity-token.ts';
import { DomainError } from '../shared/domain-error.ts';
import { attemptSource } from '../domain/attempt-source.ts';
import { newId } from '../shared/ids.ts';
import type { VisitorRef } from '../domain/visitor-ref.ts';
import type { DeploymentRecord } from '../domain/deployment-service.ts';
import type { VisitorConn, VisitorRegistry } from './visitor-registry.ts';
import { SocketConnection, type SocketHandler, type SocketRules } from './socket-connection.ts';
import { sourceAddress, type ProxyTrust } from './source-address.ts';

/** A page authenticates by its deployment key and origin, checked before the socket opens. */
const RULES: SocketRules<typeof VisitorClientMessage> = {
  kind: 'visitor',
  check: TypeCompiler.Compile(VisitorClientMessage),
  maxBytes: VISITOR_MAX_MESSAGE_BYTES,
  // Messages a page may send in a burst window before it is cut off.
  rate: { windowMs: 10_000, max: 60 },
};

type VisitorConnection = SocketConnection<typeof VisitorClientMessage, VisitorRef>;

export const VISITOR_PATH = '/v1/visitor';

// Module-level on purpose: the listener stays on the socket for its whole life, and an arrow
// written inside handleUpgrade would keep that call's scope alive with it (the upgrade request,
// its headers and the read buffer under `head`: ~2 KiB per idle visitor, measured by the
// idle-visitors bench).
const ignoreError = () => undefined;

/**
 * The customer's page talks to Tandem here. The socket belongs to one deployment and its origin
 * must be on that deployment's list. Protocol faults close the socket with a named code; domain
 * refusals are `error` replies and the socket stays open.
 */
export class VisitorGateway {
  // Messages are at most 16 KiB (closed with MESSAGE_TOO_LARGE above that); ws buffers a message
  // whole before it is checked, so its limit bounds what each socket can make the server hold.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly connections = new Set<VisitorConnection>();

  constructor(private readonly s: Services, private readonly registry: VisitorRegistry, private readonly metrics: Metrics,
    private readonly trust: ProxyTrust) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    // The deployment is looked up before the upgrade completes: the page cannot send anything
    // until then, so no message can arrive before its handler is attached.
    socket.on('error', ignoreError);
    const key = new URL(req.url ?? '/', 'http://x').searchParams.get('deployment') ?? '';
    const lookup = key ? this.s.deployments.byPublicKey(key) : Promise.resolve(null);
    lookup.then(
      (deployment) => this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, deployment)),
      (err) => {
        this.s.log.error({ err }, 'visitor connection failed');
        socket.destroy();
      },
    );
  }

  /** A socket that never authenticated: it is only counted and closed. */
  private refuse(ws: WebSocket, reason: CloseCodeName) {
    new SocketConnection(ws, RULES, () => ({ handle: () => undefined }), this.metrics, this.s.log).close(reason);
  }

  private accept(ws: WebSocket, req: IncomingMessage, deployment: DeploymentRecord | null) {
    if (!deployment) return this.refuse(ws, 'UNKNOWN_DEPLOYMENT');
    if (!deployment.allowedOrigins.includes(req.headers.origin ?? '')) return this.refuse(ws, 'ORIGIN_NOT_ALLOWED');
    const ref: VisitorRef = {
      visitorId: newId('vis'),
      orgId: deployment.orgId,
      deploymentId: deployment.id,
      companyName: deployment.companyName,
      locale: deployment.locale,
      customerId: null,
      userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
      ip: sourceAddress(req, this.trust),
      offered: new Set(),
      sessions: new Set(),
    };
    const conn: VisitorConnection = new SocketConnection(ws, RULES, (c) => this.page(c, ref), this.metrics, this.s.log, ref);
    this.connections.add(conn);
  }

  /** One page's messages: a hello first, sequence numbers rising, handled in arrival order. */
  private page(socket: VisitorConnection, ref: VisitorRef): SocketHandler<typeof VisitorClientMessage, VisitorRef> {
    const conn: VisitorConn = { ref, sessionIds: new Set(), send: (m: VisitorServerMessage) => socket.sendJson(m) };
    let lastSeq = 0;
    let helloed = false;
    let queue: Promise<void> = Promise.resolve();
    this.registry.add(conn);
    return {
      handle: (_ref, msg) => {
        if (msg.seq <= lastSeq) return 'PROTOCOL_VIOLATION';
        if (!helloed && msg.type !== 'hello') return 'PROTOCOL_VIOLATION';
        if (helloed && msg.type === 'hello') return 'PROTOCOL_VIOLATION';
        lastSeq = msg.seq;
        helloed = true;
        // Handle in arrival order: an accept must not overtake the open before it.
        queue = queue.then(() => this.handle(conn, msg)).catch((err: unknown) => {
          const shaped = wireError(err);
          if (shaped.kind === 'domain') return conn.send({ type: 'error', re: msg.seq, code: visitorErrorCode(shaped), message: shaped.detail });
          this.s.log.error({ err }, 'visitor message failed');
          conn.send({ type: 'error', re: msg.seq, code: visitorErrorCode(shaped), message: 'Something went wrong; please try again.' });
        });
      },
      closed: () => {
        this.connections.delete(socket);
        this.registry.remove(conn);
      },
    };
  }

  private async handle(conn: VisitorConn, msg: VisitorClientMessage): Promise<void> {
    const { ref } = conn;
    switch (msg.type) {
      case 'hello':
        return conn.send({ type: 'welcome', re: msg.seq, visitorId: ref.visitorId, companyName: ref.companyName, locale: ref.locale ?? null });
      case 'ping':
        return conn.send({ type: 'pong', re: msg.seq });
      case 'identify': {
        const deployment = await this.s.deployments.byId(ref.deploymentId);
        const result = await verifyIdentityToken(msg.token, deployment?.identitySecret ?? '', this.s.config.identityTokenMaxTtlSeconds);
        if (!result.ok) return conn.send({ type: 'error', re: msg.seq, code: result.code, message: result.message });
        if (ref.customerId !== result.customerId) ref.offered.clear();
        await this.registry.identify(conn, result.customerId);
        return conn.send({ type: 'identified', re: msg.seq, customerId: result.customerId });
      }
      case 'link.redeem': {
        const invite = await this.s.invites.redeemLink(ref, msg.secret, msg.page);
        return conn.send({ type: 'invite', re: msg.seq, invite });
      }
      case 'code.enter': {
        const invite =
          await this.s.codeGuard.attempt({ orgId: ref.orgId, kind: 'enter', source: attemptSource(ref.ip) }, () => this.s.invites.enterCode(ref, msg.code));
        return conn.send({ type: 'invite', re: msg.seq, invite });
      }
      case 'code.request': {
        const { code, expiresAt } = await this.s.supportCodes.request(ref, attemptSource(ref.ip));
        return conn.send({ type: 'code', re: msg.seq, code, expiresAt });
      }
      case 'invite.open':
        await this.s.invites.open(ref, msg.inviteId);
        return conn.send({ type: 'ok', re: msg.seq });
      case 'invite.prompt_failed':
        await this.s.invites.promptFailed(ref, msg.inviteId, msg.reason);
        return conn.send({ type: 'ok', re: msg.seq });
      case 'invite.accept': {
        const { sessionId, agentName } = await this.s.invites.accept(ref, msg.inviteId, msg.shown);
        await this.registry.bindSession(conn, sessionId);
        const { token } = await this.s.tokens.issueCapture({ orgId: ref.orgId, sessionId, visitorId: ref.visitorId }, 12 * 3600);
        return conn.send({ type: 'session.started', re: msg.seq, sessionId, agentName, captureToken: token });
      }
      case 'invite.decline':
        await this.s.invites.decline(ref, msg.inviteId);
        return conn.send({ type: 'ok', re: msg.seq });
      case 'control.accept':
        await this.s.sessions.grantControl(ref, msg.sessionId, msg.shown);
        return conn.send({ type: 'control.granted', re: msg.seq, sessionId: msg.sessionId });
      case 'control.decline':
        await this.s.sessions.declineControl(ref, msg.sessionId);
        return conn.send({ type: 'ok', re: msg.seq });
      case 'session.resume': {
        let claims;
        try {
          claims = await this.s.tokens.verifyCapture(msg.captureToken);
        } catch {
          throw new DomainError('session_not_found', 'That session cannot be resumed: its token is not valid.');
        }
        const { sessionId, control } = await this.s.sessions.resume(ref, claims.sessionId);
        await this.registry.bindSession(conn, sessionId);
        return conn.send({ type: 'session.resumed', re: msg.seq, sessionId, control });
      }
      case 'control.revoke':
        await this.s.sessions.revokeControl(ref, msg.sessionId);
        return conn.send({ type: 'control.revoked', re: msg.seq, sessionId: msg.sessionId });
      case 'session.stop':
        await this.s.sessions.stopByVisitor(ref, msg.sessionId);
        return conn.send({ type: 'ok', re: msg.seq });
    }
  }

  closeAll() {
    for (const conn of this.connections) conn.close('SERVER_SHUTDOWN');
  }
}
