import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '@tandem/protocol';
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
    close(name) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(CLOSE_CODES[name].code, CLOSE_CODES[name].reason);
    },
  };
}
