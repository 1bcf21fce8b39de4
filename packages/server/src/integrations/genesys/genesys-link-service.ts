import type { GenesysLink, GenesysLinkInput } from '@tandem/protocol';
import { DomainError } from '../../shared/domain-error.ts';
import { normalisePhone } from '../../shared/phone.ts';
import type { GenesysConfig } from './genesys-config.ts';
import { GenesysApiError } from './genesys-api-error.ts';
import { GenesysClient } from './genesys-client.ts';
import type { GenesysLinkRow, GenesysLinkStore } from './genesys-link-store.ts';
import { GENESYS_REGIONS, genesysHosts, isGenesysRegion } from './genesys-regions.ts';

const iso = (d: Date) => new Date(d).toISOString();

export function toGenesysLink(r: GenesysLinkRow, publicUrl: string): GenesysLink {
  return {
    region: r.region,
    apiBaseUrl: r.api_base_url,
    loginBaseUrl: r.login_base_url,
    clientId: r.client_id,
    clientSecretSet: r.client_secret.length > 0,
    follow: { users: r.follow_users, queues: r.follow_queues },
    smsFrom: r.sms_from,
    widgetClientId: r.widget_client_id,
    widgetGrant: r.widget_grant,
    widgetUrl: `${publicUrl}/genesys/widget?org=${encodeURIComponent(r.org_id)}&conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}`,
    status: r.health === 'degraded' ? `degraded: ${r.health_reason ?? 'unknown'}` : r.health,
    statusSince: iso(r.health_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/**
 * Links a Genesys Cloud org to a Tandem organisation. The credentials are tried before they are
 * kept, so a wrong region, id or secret is refused at once rather than found later in a log.
 */
export class GenesysLinkService {
  constructor(
    private readonly store: GenesysLinkStore,
    private readonly config: GenesysConfig,
    private readonly defaultPhoneRegion: string | null,
    private readonly publicUrl: () => string,
    /** Told after a change so this node's connector follows it at once. */
    private readonly onChange: (orgId: string) => void,
  ) {}

  async get(orgId: string): Promise<GenesysLink> {
    const row = await this.store.get(orgId);
    if (!row) throw new DomainError('genesys_not_linked');
    return toGenesysLink(row, this.publicUrl());
  }

  /** `byClient`: the API client making the link (null from the CLI: the org's first active one). */
  async link(orgId: string, input: GenesysLinkInput, byClient: string | null): Promise<{ link: GenesysLink; created: boolean }> {
    if (!isGenesysRegion(input.region)) {
      throw new DomainError('validation_failed',
        `Unknown Genesys Cloud region "${input.region}": give the domain your Genesys users sign in at, one of ${GENESYS_REGIONS.join(', ')}.`,
          { errors: [{ path: '/region', message: `must be one of ${GENESYS_REGIONS.join(', ')}` }] });
    }
    const users = input.follow.users ?? [];
    const queues = input.follow.queues ?? [];
    if (!users.length && !queues.length) {
      throw new DomainError('validation_failed', 'Name at least one Genesys user or queue in follow.users or follow.queues: Tandem mirrors the calls of those.',
        { errors: [{ path: '/follow', message: 'needs users or queues' }] });
    }
    const smsFrom = input.smsFrom ? normalisePhone(input.smsFrom, this.defaultPhoneRegion) : null;
    const existing = await this.store.get(orgId);
    const clientSecret = input.clientSecret ?? (existing && existing.client_id === input.clientId ? existing.client_secret : null);
    if (!clientSecret) {
      throw new DomainError('validation_failed', 'Give clientSecret: it is required when linking, and when the clientId changes.',
        { errors: [{ path: '/clientSecret', message: 'required' }] });
    }
    const hosts = genesysHosts(input.region);
    const apiBaseUrl = this.config.apiBaseUrl ?? hosts.apiBaseUrl;
    const loginBaseUrl = this.config.loginBaseUrl ?? hosts.loginBaseUrl;
    await this.verify({ apiBaseUrl, loginBaseUrl, clientId: input.clientId, clientSecret }, input.region);
    const { row, created } = await this.store.upsert({
      org_id: orgId, region: input.region, api_base_url: apiBaseUrl, login_base_url: loginBaseUrl,
      client_id: input.clientId, client_secret: clientSecret, follow_users: users, follow_queues: queues, sms_from: smsFrom,
      widget_client_id: input.widgetClientId === undefined ? (existing?.widget_client_id ?? null) : input.widgetClientId,
      widget_grant: input.widgetGrant ?? existing?.widget_grant ?? 'pkce',
      linked_by_client: byClient,
    });
    this.onChange(orgId);
    return { link: toGenesysLink(row, this.publicUrl()), created };
  }

  async unlink(orgId: string): Promise<void> {
    if (!(await this.store.remove(orgId))) throw new DomainError('genesys_not_linked');
    this.onChange(orgId);
  }

  private async verify(creds: ConstructorParameters<typeof GenesysClient>[0], region: string): Promise<void> {
    try {
      await new GenesysClient(creds, this.config.timeoutMs).fetchToken();
    } catch (err) {
      if (!(err instanceof GenesysApiError)) throw err;
      if (err.failure === 'credentials' || err.failure === 'forbidden' || err.failure === 'rejected') {
        throw new DomainError('genesys_credentials_rejected',
          `${err.message}. The client "${creds.clientId}" is not a Client Credentials client of a Genesys org in ${region}: check the region (the domain ` +
            `your users sign in at) and the client id and secret.`);
      }
      throw new DomainError('genesys_unavailable',
        `${err.message}. Retry in a minute; if it persists, check that ${creds.loginBaseUrl} is reachable from Tandem.`);
    }
  }
}
