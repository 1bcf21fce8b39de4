import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES } from '@tandem/protocol';
import type { Metrics } from '../wiring/metrics.ts';
import type { SocketCounts } from './socket-counts.ts';
import { sourceAddress, type ProxyTrust } from './source-address.ts';

export type SocketKind = 'visitor' | 'capture' | 'agent';

/**
 * Caps the sockets one source address holds at once, per kind, so one machine cannot take a
 * node's sockets (or, with Redis, the cluster's: the counts are then shared). A socket over the
 * cap is accepted only to be closed with TOO_MANY_SOCKETS: a browser sees a close code, never an
 * HTTP status, on a refused WebSocket.
 */
export class SocketAdmission {
  private readonly refuser = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  constructor(
    private readonly caps: Record<SocketKind, number>,
    private readonly trust: ProxyTrust,
    private readonly metrics: Metrics,
    private readonly counts: SocketCounts,
  ) {}

  /** True when the upgrade may go on; it is then counted until its TCP socket closes. */
  async admit(kind: SocketKind, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
    const source = sourceAddress(req, this.trust);
    socket.on('error', () => undefined);
    let closed = false;
    const onClose = () => (closed = true);
    socket.once('close', onClose);
    const release = await this.counts.take(kind, source, this.caps[kind]);
    socket.off('close', onClose);
    if (!release) {
      this.metrics.socketRefusals.inc({ kind });
      if (!closed) this.refuser.handleUpgrade(req, socket, head, (ws) => ws.close(CLOSE_CODES.TOO_MANY_SOCKETS.code, CLOSE_CODES.TOO_MANY_SOCKETS.reason));
      return false;
    }
    // The client may have gone while its place was being taken.
    if (closed || socket.destroyed) {
      release();
      return false;
    }
    socket.once('close', release);
    return true;
  }
}
