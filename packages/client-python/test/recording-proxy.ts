import net from 'node:net';

/** A TCP hop between a client and the server that records what the client sends and can cut every connection, as a flaky proxy would. */
export class RecordingProxy {
  readonly requests: string[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  constructor(target: URL) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.on('data', (d) => this.requests.push(d.toString('latin1')));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The event-stream requests seen so far, in order. */
  streamRequests(): string[] {
    return this.requests.filter((r) => r.startsWith('GET /v1/events/stream'));
  }

  cutAll() {
    for (const s of this.sockets) s.destroy();
  }

  async close() {
    this.cutAll();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
