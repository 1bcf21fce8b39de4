import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES } from '@tandem/protocol';
import type { Metrics } from '../wiring/metrics.ts';
import { sourceAddress, type ProxyTrust } from './source-address.ts';

export type SocketKind = 'visitor' | 'capture' | 'agent';

/**
 * Caps the sockets one source address holds at once, per kind, so one machine cannot take a
 * node's sockets. A socket over the cap is accepted only to be closed with TOO_MANY_SOCKETS:
 * a browser sees a close code, never an HTTP status, on a refused WebSocket.
 */
export class SocketAdmission {
  private readonly open: Record<SocketKind, Map<string, number>> = { visitor: new Map(), capture: new Map(), agent: new Map() };
  private readonly refuser = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  constructor(private readonly caps: Record<SocketKind, number>, private readonly trust: ProxyTrust, private readonly metrics: Metrics) {}

  /** True when the upgrade may go on; it is then counted until its TCP socket closes. */
  admit(kind: SocketKind, req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const source = sourceAddress(req, this.trust);
    const counts = this.open[kind];
    const held = counts.get(source) ?? 0;
    if (held >= this.caps[kind]) {
      this.metrics.socketRefusals.inc({ kind });
      socket.on('error', () => undefined);
      this.refuser.handleUpgrade(req, socket, head, (ws) => ws.close(CLOSE_CODES.TOO_MANY_SOCKETS.code, CLOSE_CODES.TOO_MANY_SOCKETS.reason));
      return false;
    }
    counts.set(source, held + 1);
    socket.once('close', () => {
      const left = (counts.get(source) ?? 1) - 1;
      if (left > 0) counts.set(source, left);
      else counts.delete(source);
    });
    return true;
  }
}
