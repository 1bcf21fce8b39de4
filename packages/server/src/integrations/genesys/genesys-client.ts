import { GenesysApiError, genesysErrorFrom, genesysNetworkError } from './genesys-api-error.ts';

export interface GenesysCredentials {
  apiBaseUrl: string;
  loginBaseUrl: string;
  clientId: string;
  clientSecret: string;
}

/** A notification channel: where to read it and when Genesys drops it (POST /api/v2/notifications/channels). */
export interface GenesysChannel {
  id: string;
  connectUri: string;
  expires: string | null;
}

/** A participant as the Conversations API and the conversation topics both give it. */
export interface GenesysParticipant {
  id?: string;
  purpose?: string;
  state?: string;
  address?: string;
  name?: string;
  user?: { id?: string };
  calls?: { state?: string }[];
}

export interface GenesysCall {
  id: string;
  participants: GenesysParticipant[];
}

export interface AgentlessSms {
  fromAddress: string;
  toAddress: string;
  textBody: string;
}

/** The token is renewed this long before Genesys says it expires. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * The few Genesys Cloud Platform API calls Tandem makes, signed in with the OAuth client
 * credentials grant. A token is reused until shortly before it expires, and fetched again
 * once when Genesys answers 401 (a token revoked early).
 */
export class GenesysClient {
  private token: { value: string; until: number } | null = null;
  private pendingToken: Promise<string> | null = null;

  constructor(readonly creds: GenesysCredentials, private readonly timeoutMs: number) {}

  /** POST {login}/oauth/token with HTTP Basic client authentication. */
  async fetchToken(): Promise<string> {
    const { loginBaseUrl, clientId, clientSecret } = this.creds;
    let res: Response;
    try {
      res = await fetch(`${loginBaseUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw genesysNetworkError('the token request', err, this.timeoutMs);
    }
    const body = await readJson(res);
    if (!res.ok) throw genesysErrorFrom('the token request', res.status, body, res.headers.get('retry-after'));
    const b = body as { access_token?: unknown; expires_in?: unknown };
    if (typeof b.access_token !== 'string') throw new GenesysApiError('unavailable',
      `Genesys answered the token request with ${res.status} but no access_token`, res.status);
    const ttl = typeof b.expires_in === 'number' ? b.expires_in * 1000 : 3600_000;
    this.token = { value: b.access_token, until: Date.now() + Math.max(ttl - TOKEN_MARGIN_MS, ttl / 2) };
    return b.access_token;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = null;
    });
    return this.pendingToken;
  }

  private async request(method: string, path: string, body?: unknown, retried = false): Promise<unknown> {
    const token = await this.accessToken();
    const what = `${method} ${path.split('?')[0]}`;
    let res: Response;
    try {
      res = await fetch(`${this.creds.apiBaseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw genesysNetworkError(what, err, this.timeoutMs);
    }
    const json = await readJson(res);
    if (res.status === 401 && !retried) {
      this.token = null;
      return this.request(method, path, body, true);
    }
    if (!res.ok) throw genesysErrorFrom(what, res.status, json, res.headers.get('retry-after'));
    return json;
  }

  async createChannel(): Promise<GenesysChannel> {
    const b = (await this.request('POST', '/api/v2/notifications/channels')) as Partial<GenesysChannel> | null;
    if (!b || typeof b.id !== 'string' ||
      typeof b.connectUri !== 'string') throw new GenesysApiError('unavailable', 'Genesys created a notification channel without id or connectUri');
    return { id: b.id, connectUri: b.connectUri, expires: typeof b.expires === 'string' ? b.expires : null };
  }

  /** Replaces the channel's topics (PUT), so a re-subscribe never piles up duplicates. */
  async setSubscriptions(channelId: string, topics: string[]): Promise<void> {
    await this.request('PUT', `/api/v2/notifications/channels/${encodeURIComponent(channelId)}/subscriptions`, topics.map((id) => ({ id })));
  }

  /** The call, or null when Genesys no longer knows it (404). */
  async getCall(conversationId: string): Promise<GenesysCall | null> {
    try {
      const b = await this.request('GET', `/api/v2/conversations/calls/${encodeURIComponent(conversationId)}`);
      return asCall(b);
    } catch (err) {
      if (err instanceof GenesysApiError && err.failure === 'not_found') return null;
      throw err;
    }
  }

  async getUser(userId: string): Promise<{ id: string; name: string | null }> {
    const b = (await this.request('GET', `/api/v2/users/${encodeURIComponent(userId)}`)) as { id?: unknown; name?: unknown } | null;
    return { id: userId, name: typeof b?.name === 'string' ? b.name : null };
  }

  async sendAgentlessSms(m: AgentlessSms): Promise<{ id: string }> {
    const b = (await this.request('POST', '/api/v2/conversations/messages/agentless', {
      fromAddress: m.fromAddress,
      toAddress: m.toAddress,
      toAddressMessengerType: 'sms',
      textBody: m.textBody,
    })) as { id?: unknown } | null;
    if (typeof b?.id !== 'string') throw new GenesysApiError('unavailable', 'Genesys accepted the agentless message without an id');
    return { id: b.id };
  }
}

/** A call from an API answer or a notification body; null when it is not one. */
export function asCall(b: unknown): GenesysCall | null {
  if (!b || typeof b !== 'object') return null;
  const c = b as { id?: unknown; participants?: unknown };
  if (typeof c.id !== 'string' || !Array.isArray(c.participants)) return null;
  return { id: c.id, participants: c.participants.filter((p): p is GenesysParticipant => !!p && typeof p === 'object') };
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
