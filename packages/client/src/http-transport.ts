import { TandemConnectionError } from './tandem-error.ts';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request and the reading of its body. */
  signal: AbortSignal;
}

/**
 * What the client needs from the network: one request in, one web `Response` out. Swap it to add
 * a proxy, custom TLS or recording in tests. An implementation rejects with the signal's reason
 * when aborted and with TandemConnectionError when the server cannot be reached.
 */
export interface HttpTransport {
  send(request: HttpRequest): Promise<Response>;
}

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export class FetchTransport implements HttpTransport {
  constructor(private readonly fetchImpl: FetchFunction = globalThis.fetch) {}

  async send(request: HttpRequest): Promise<Response> {
    try {
      return await this.fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
      });
    } catch (err) {
      if (request.signal.aborted) throw request.signal.reason;
      throw new TandemConnectionError(`Could not reach ${new URL(request.url).origin}: ${describe(err)}`, { cause: err });
    }
  }
}

/** fetch's own message is a bare "fetch failed"; the useful reason (ECONNREFUSED...) is its cause. */
function describe(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
