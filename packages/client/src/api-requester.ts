import type { Scope, TokenResponse } from '@tandem/protocol';
import { AccessTokenCache } from './access-token-cache.ts';
import { withDeadline } from './deadline.ts';
import type { HttpTransport } from './http-transport.ts';
import { errorFromResponse, TandemApiError } from './tandem-error.ts';

export type QueryValue = string | number | readonly string[] | undefined;

/** Per-call options every endpoint method accepts last. */
export interface RequestOptions {
  signal?: AbortSignal;
}

export interface IdempotentRequestOptions extends RequestOptions {
  /** Makes a retried create return what the first request made instead of making it twice. */
  idempotencyKey?: string;
}

export function idempotencyHeaders(options: IdempotentRequestOptions | undefined): Record<string, string> {
  return options?.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
}

/** Builds a path whose interpolated ids are escaped, so an id can never change the route. */
export function apiPath(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((path, part, i) => path + part + (i < ids.length ? encodeURIComponent(ids[i]!) : ''), '');
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiRequesterConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly Scope[] | undefined;
  transport: HttpTransport;
  timeoutMs: number;
}

/** Sends authenticated API requests: token handling, timeouts and error mapping in one place. */
export class ApiRequester {
  private readonly tokens: AccessTokenCache;

  constructor(private readonly config: ApiRequesterConfig) {
    this.tokens = new AccessTokenCache(() => this.requestToken());
  }

  /** Sends a request and returns its parsed JSON body (undefined for an empty body, e.g. 204). */
  async json<T>(req: ApiRequest): Promise<T> {
    const text = await this.authorized(req, 'application/json', async (res) => res.text());
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * Opens a long-lived response and returns it once its headers arrive: the timeout covers only
   * the connection, the body is read for as long as `req.signal` allows.
   */
  stream(req: ApiRequest): Promise<Response> {
    return this.authorized(req, 'text/event-stream', async (res) => res);
  }

  /**
   * A token can be rejected before it expires by our clock (server restart with new keys, clock
   * skew); then one fresh token and one retry. The request was refused, not run, so a retry
   * cannot apply it twice.
   */
  private async authorized<T>(req: ApiRequest, accept: string, onSuccess: (res: Response) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.get();
      try {
        return await this.send(req, { accept, authorization: `Bearer ${token}` }, onSuccess);
      } catch (err) {
        if (attempt > 1 || !(err instanceof TandemApiError) || err.code !== 'invalid_token') throw err;
        this.tokens.invalidate(token);
      }
    }
  }

  private async requestToken(): Promise<TokenResponse> {
    const { clientId, clientSecret, scopes } = this.config;
    const text = await this.send(
      {
        method: 'POST',
        path: '/oauth/token',
        body: {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          ...(scopes?.length ? { scope: scopes.join(' ') } : {}),
        },
      },
      { accept: 'application/json' },
      async (res) => res.text(),
    );
    return JSON.parse(text) as TokenResponse;
  }

  private send<T>(req: ApiRequest, headers: Record<string, string>, onSuccess: (res: Response) => Promise<T>): Promise<T> {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    return withDeadline(this.config.timeoutMs, req.signal, async (signal) => {
      const res = await this.config.transport.send({
        method: req.method,
        url: this.url(req.path, req.query),
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...req.headers,
        },
        body,
        signal,
      });
      if (!res.ok) throw errorFromResponse(res.status, res.headers, await res.text());
      return onSuccess(res);
    });
  }

  private url(path: string, query: ApiRequest['query']): string {
    const url = new URL(this.config.baseUrl.replace(/\/+$/, '') + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || (typeof value === 'object' && value.length === 0)) continue;
      // Lists travel comma-separated (`types=a,b`), as the API reads them.
      url.searchParams.set(name, typeof value === 'object' ? value.join(',') : String(value));
    }
    return url.toString();
  }
}
