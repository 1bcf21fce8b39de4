import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** The status it was answered with. */
  status: number;
}

const open = new Set<{ close(): Promise<void> }>();

/** Closes every receiver a test left open (a failed assertion skips its own close). */
export async function closeAllReceivers() {
  await Promise.all([...open].map((r) => r.close()));
}

/** A company's webhook endpoint on loopback: records what arrives and answers as told. */
export async function startReceiver(
  answer: (n: number) => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = answer(++n);
      received.push({ headers: req.headers, body, at: Date.now(), status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  const receiver = {
    url: `http://127.0.0.1:${addr.port}/hooks`,
    received,
    server,
    close: () => {
      open.delete(receiver);
      return new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
    },
  };
  open.add(receiver);
  return receiver;
}
