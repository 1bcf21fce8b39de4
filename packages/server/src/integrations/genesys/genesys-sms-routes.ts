import { GenesysClient } from './genesys-client.ts';
import type { GenesysLinkStore } from './genesys-link-store.ts';
import type { GenesysSmsRoute } from './genesys-sms-provider.ts';

/**
 * Each organisation's client for agentless SMS, read from its link at every send (so a re-link
 * on another node counts at once) and kept while the link is unchanged (so is its token).
 */
export function genesysSmsRoutes(store: GenesysLinkStore, timeoutMs: number): GenesysSmsRoute {
  const clients = new Map<string, { client: GenesysClient; version: number }>();
  return async (orgId) => {
    const row = await store.get(orgId);
    if (!row) return null;
    const version = new Date(row.updated_at).getTime();
    let hit = clients.get(orgId);
    if (!hit || hit.version !== version) {
      hit = { client: new GenesysClient(
        { apiBaseUrl: row.api_base_url, loginBaseUrl: row.login_base_url, clientId: row.client_id, clientSecret: row.client_secret }, timeoutMs), version };
      clients.set(orgId, hit);
    }
    return { client: hit.client, from: row.sms_from };
  };
}
