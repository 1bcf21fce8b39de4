import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A loopback TCP proxy that can partition silently: while partitioned nothing is forwarded in
 * either direction and nothing is closed (packets vanish, as behind a dead switch), and new
 * connections are accepted but not connected onward. Healing delivers what was held back.
 */
export interface PartitionProxy {
  port: number;
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startPartitionProxy(targetPort: number): Promise<PartitionProxy> {
  let partitioned = false;
  const sockets = new Set<Socket>();
  const flushers = new Set<() => void>();
  const pendingOpens: (() => void)[] = [];

  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };

  /** Forwards from → to, holding data while partitioned. */
  const forward = (from: Socket, to: Socket) => {
    const held: Buffer[] = [];
    let ended = false;
    const flush = () => {
      for (const b of held.splice(0)) to.write(b);
      if (ended) to.end();
    };
    from.on('data', (b: Buffer) => {
      if (partitioned) held.push(b);
      else to.write(b);
    });
    from.on('end', () => {
      ended = true;
      if (!partitioned) to.end();
    });
    flushers.add(flush);
    from.on('close', () => flushers.delete(flush));
  };

  const server = createServer((client) => {
    track(client);
    client.pause();
    const open = () => {
      const upstream = connect(targetPort, '127.0.0.1');
      track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      forward(client, upstream);
      forward(upstream, client);
      client.resume();
    };
    if (partitioned) pendingOpens.push(open);
    else open();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    partition() {
      partitioned = true;
    },
    heal() {
      partitioned = false;
      for (const f of flushers) f();
      for (const f of pendingOpens.splice(0)) f();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
