import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook delivery the receiver answered: its `webhook-id` and when. */
export interface Answered {
  id: string;
  at: number;
}

/**
 * A company's webhook endpoint that can hold deliveries unanswered, so a test can see which node
 * is sending (the process on the other end of the held connection) and kill it mid-delivery.
 */
export interface HoldingReceiver {
  url: string;
  hold(on: boolean): void;
  answered(): Answered[];
  /** Process ids with an open connection to the receiver (from `ss`). */
  senderPids(): number[];
  close(): Promise<void>;
}

export async function startHoldingReceiver(): Promise<HoldingReceiver> {
  let holding = false;
  const held: { req: IncomingMessage; res: ServerResponse }[] = [];
  const answered: Answered[] = [];
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    answered.push({ id: String(req.headers['webhook-id']), at: Date.now() });
    res.statusCode = 200;
    res.end();
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (holding) held.push({ req, res });
      else answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    hold(on) {
      holding = on;
      // A held delivery whose sender is still alive is answered now; a dead sender's socket is gone.
      if (!on) for (const h of held.splice(0)) if (!h.res.destroyed && !h.req.socket.destroyed) answer(h.req, h.res);
    },
    answered: () => answered.slice(),
    senderPids() {
      const out = execFileSync('ss', ['-tnpH', 'state', 'established', 'dst', `127.0.0.1:${port}`], { encoding: 'utf8' });
      return [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
