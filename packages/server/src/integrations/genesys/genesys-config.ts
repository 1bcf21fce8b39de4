/** The Genesys Cloud connector's part of the environment, checked the way config.ts checks the rest. */
export interface GenesysConfig {
  /** Replaces https://api.{region} for every linked org (tests, a proxy); null: the region's host. */
  apiBaseUrl: string | null;
  /** Replaces https://login.{region}; null: the region's host. */
  loginBaseUrl: string | null;
  /** First wait before reconnecting after a failure; doubles up to reconnectMaxMs. */
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** How long a node's claim on an org's notification channel lasts unless renewed. */
  leaseMs: number;
  /** Genesys sends a heartbeat every 30 s; a channel silent this long is treated as dead. */
  heartbeatTimeoutMs: number;
  /** How long one request to Genesys may take. */
  timeoutMs: number;
}

export function loadGenesysConfig(env: NodeJS.ProcessEnv, problems: string[],
  int: (name: string, def: number, min: number, max: number) => number): GenesysConfig {
  const baseUrl = (name: string): string | null => {
    const raw = env[name];
    if (raw === undefined || raw === '') return null;
    try {
      if (!['http:', 'https:'].includes(new URL(raw).protocol)) throw new Error('protocol');
      return raw.replace(/\/$/, '');
    } catch {
      problems.push(`${name}=${JSON.stringify(raw)} must be a URL starting with http:// or https://`);
      return null;
    }
  };
  return {
    apiBaseUrl: baseUrl('GENESYS_API_BASE_URL'),
    loginBaseUrl: baseUrl('GENESYS_LOGIN_BASE_URL'),
    reconnectBaseMs: int('GENESYS_RECONNECT_BASE_MS', 1000, 10, 600_000),
    reconnectMaxMs: int('GENESYS_RECONNECT_MAX_MS', 60_000, 10, 3_600_000),
    leaseMs: int('GENESYS_LEASE_MS', 30_000, 200, 600_000),
    heartbeatTimeoutMs: int('GENESYS_HEARTBEAT_TIMEOUT_MS', 75_000, 100, 600_000),
    timeoutMs: int('GENESYS_TIMEOUT_MS', 10_000, 100, 60_000),
  };
}
