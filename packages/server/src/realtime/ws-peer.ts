import type { WebSocket } from 'ws';
import type { RelayPeer } from './session-relay.ts';

/** A ws socket as a relay peer. */
export function wsPeer(ws: WebSocket): RelayPeer {
  return {
    sendFrame(frame) {
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    },
    sendJson(message) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
    bufferedAmount: () => ws.bufferedAmount,
    close(code, reason) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
  };
}
