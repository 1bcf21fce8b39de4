import WebSocket from 'ws';

/** A raw WebSocket to the capture or agent endpoint that records what it gets, for relay tests. */
export class RelayClient {
  readonly json: any[] = [];
  readonly frames: Buffer[] = [];
  closed: Promise<{ code: number; reason: string }>;
  /** How the socket closed, once it has (said in a timeout's error). */
  private closeInfo: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.frames.push(data as Buffer);
      else this.json.push(JSON.parse(data.toString()));
      this.waiters.splice(0).forEach((w) => w());
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      resolve(this.closeInfo);
    }));
  }

  /** protocols: offered in the handshake (the agent socket's token can travel there). */
  static async open(baseUrl: string, path: '/v1/capture' | '/v1/agent', protocols?: string[]): Promise<RelayClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, protocols);
    const c = new RelayClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }

  send(message: object) {
    this.ws.send(JSON.stringify(message));
  }

  sendFrame(frame: Uint8Array) {
    this.ws.send(frame, { binary: true });
  }

  async until<T>(pick: () => T | undefined | null | false, timeoutMs = 5000, what = 'message'): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = pick();
      if (v) return v;
      if (Date.now() > end) {
        const state = this.closeInfo ? `closed ${this.closeInfo.code} ${this.closeInfo.reason}` : 'open';
        throw new Error(`no ${what} within ${timeoutMs} ms (socket ${state}); json: ${JSON.stringify(this.json).slice(0, 2000)}`);
      }
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  jsonOf(type: string, timeoutMs?: number) {
    return this.until(() => this.json.find((m) => m.type === type), timeoutMs, type);
  }

  close() {
    this.ws.close();
  }
}
