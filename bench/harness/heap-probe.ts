import WebSocket from 'ws';

/** process.memoryUsage() of the probed process, in bytes. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/**
 * Reads another Node process's memory from the inside, after a full garbage collection, over the
 * inspector protocol (the process runs with `--inspect=127.0.0.1:0`). RSS read from /proc moves
 * by tens of MiB with the collector's timing; live heap after a forced GC does not, so a cost of
 * a few KiB per socket shows. Nothing is added to the product: the inspector is Node's own.
 */
export class HeapProbe {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!p) return; // an event; no domain is enabled, so there should be none
      this.pending.delete(msg.id!);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new Error(`inspector: ${msg.error.message}`));
      else p.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`inspector closed before answering #${id}`));
      }
      this.pending.clear();
    });
  }

  /** `url`: the `ws://127.0.0.1:<port>/<uuid>` the inspected process printed to stderr. */
  static async connect(url: string): Promise<HeapProbe> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new HeapProbe(ws);
  }

  private send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      // A full GC of a large heap on a busy machine takes seconds, not minutes.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * A full GC. Twice: objects freed by the first collection's weak callbacks and finalizers (ws and
   * net sockets use some) are only reclaimed by a second.
   */
  async collectGarbage(): Promise<void> {
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
  }

  /** process.memoryUsage() as the process sees it now. */
  async memoryUsage(): Promise<MemoryUsage> {
    const r = await this.send<{ result: { value?: string }; exceptionDetails?: { text: string } }>('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    if (r.exceptionDetails || typeof r.result.value !== 'string') throw new Error(`inspector: memoryUsage failed: ${r.exceptionDetails?.text ?? 'no value'}`);
    return JSON.parse(r.result.value) as MemoryUsage;
  }

  /**
   * Memory after a full GC. `releaseMs`: time between the collection and the reading for V8 to
   * hand freed pages back (it unmaps them on a background thread): RSS read at once still holds
   * them, by an amount that varies from one reading to the next.
   */
  async memoryAfterGc(releaseMs = 0): Promise<MemoryUsage> {
    await this.collectGarbage();
    if (releaseMs > 0) await new Promise((r) => setTimeout(r, releaseMs));
    return this.memoryUsage();
  }

  close() {
    this.ws.close();
  }
}
