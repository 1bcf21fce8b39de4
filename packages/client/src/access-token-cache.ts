import type { TokenResponse } from '@tandem/protocol';

/** Refresh this long before expiry so a token never expires between our check and the server's. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * Holds the current access token. Concurrent callers share one token request, and a token is
 * replaced shortly before it expires (or at half its life when it lives under a minute).
 */
export class AccessTokenCache {
  private current: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly fetchToken: () => Promise<TokenResponse>,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.current && this.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    this.pending ??= this.fetchToken()
      .then((res) => {
        const lifetimeMs = res.expires_in * 1000;
        const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
        this.current = { token: res.access_token, refreshAt: this.now() + lifetimeMs - margin };
        return res.access_token;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** Drops `token` after the server refused it; a newer token another caller fetched is kept. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }
}
