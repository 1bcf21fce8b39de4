// A counting loopback TCP proxy: what actually crosses the wire from the page to Tandem, after
// WebSocket framing and any permessage-deflate the browser applied (DevTools shows payloads
// before that). Connections are told apart by their HTTP request line.
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface WireMeter {
  url: string;
  /** Bytes sent by clients on connections whose request path starts with `prefix`, after the handshake. */
  clientBytes(prefix: string): number;
  close(): Promise<void>;
}

export async function startWireMeter(target: string): Promise<WireMeter> {
  const { hostname, port } = new URL(target);
  const conns: { path: string; bytes: number }[] = [];
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const conn = { path: '', bytes: 0 };
    conns.push(conn);
    let head = '';
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (d: Buffer) => {
      if (!conn.path) {
        head += d.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        conn.path = /^[A-Z]+ (\S+)/.exec(head)?.[1] ?? '?';
        if (end >= 0) conn.bytes += d.byteLength - (end + 4 - (head.length - d.byteLength));
      } else conn.bytes += d.byteLength;
      upstream.write(d);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientBytes: (prefix) => conns.filter((c) => c.path.startsWith(prefix)).reduce((a, c) => a + c.bytes, 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
