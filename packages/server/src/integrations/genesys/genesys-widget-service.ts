import type { TokenService } from '../../auth/token-service.ts';
import type { ConversationService } from '../../domain/conversation-service.ts';
import { DomainError } from '../../shared/domain-error.ts';
import type { GenesysConfig } from './genesys-config.ts';
import { asCall } from './genesys-client.ts';
import { exchangeCode } from './genesys-code-exchange.ts';
import type { GenesysLinkStore } from './genesys-link-store.ts';

const AGENT = new Set(['agent', 'user']);

/** What the page brings back from the Genesys login: a token (implicit grant) or a code and its PKCE verifier. */
export type AgentSignIn = { accessToken: string } | { code: string; codeVerifier: string; redirectUri: string };

/**
 * The interaction widget's server side: which Genesys login the page signs in with (and by which
 * grant), and, given the agent's own Genesys token (or the PKCE code to trade for it), whether
 * that agent is a participant of the call, in which case the agent gets a Tandem console for it.
 */
export class GenesysWidgetService {
  constructor(
    private readonly store: GenesysLinkStore,
    private readonly conversations: ConversationService,
    private readonly tokens: TokenService,
    private readonly config: GenesysConfig,
    private readonly publicUrl: () => string,
  ) {}

  async loginFor(orgId: string): Promise<{ loginBaseUrl: string; clientId: string; grant: 'pkce' | 'implicit' }> {
    const row = await this.store.get(orgId);
    if (!row) throw new DomainError('genesys_not_linked');
    if (!row.widget_client_id) throw new DomainError('genesys_widget_not_configured');
    return { loginBaseUrl: row.login_base_url, clientId: row.widget_client_id, grant: row.widget_grant };
  }

  async consoleFor(orgId: string, conversationId: string, signIn: AgentSignIn): Promise<{ consoleUrl: string; agent: { id: string; name: string | null } }> {
    const row = await this.store.get(orgId);
    if (!row) throw new DomainError('genesys_not_linked');
    let accessToken: string;
    if ('accessToken' in signIn) accessToken = signIn.accessToken;
    else {
      if (!row.widget_client_id) throw new DomainError('genesys_widget_not_configured');
      accessToken = await exchangeCode(row.login_base_url, { clientId: row.widget_client_id, ...signIn }, this.config.timeoutMs);
    }
    const me = await this.asAgent(row.api_base_url, '/api/v2/users/me', accessToken);
    const user = me as { id?: unknown; name?: unknown } | null;
    if (typeof user?.id !== 'string') throw new DomainError('invalid_token', 'Genesys did not say who signed in: reload the widget to sign in again.');
    const call = asCall(await this.asAgent(row.api_base_url, `/api/v2/conversations/calls/${encodeURIComponent(conversationId)}`, accessToken, true));
    if (!call || !call.participants.some((p) => AGENT.has(p.purpose ?? '') && p.user?.id === user.id)) {
      throw new DomainError('genesys_not_participant',
        `The Genesys user ${user.id} is not an agent on call ${conversationId}: only an agent on the call may cobrowse with its customer.`);
    }
    await this.conversations.get(orgId, conversationId);
    if (!row.linked_by_client) throw new DomainError('genesys_widget_not_configured',
      'The Genesys link names no active API client for widget consoles to act for: PUT /v1/integrations/genesys once through the API.');
    const { token } = await this.tokens.issueAgent({ orgId, agentId: user.id, conversationId, clientId: row.linked_by_client }, 8 * 3600);
    return { consoleUrl: `${this.publicUrl()}/console#token=${token}`, agent: { id: user.id, name: typeof user.name === 'string' ? user.name : null } };
  }

  /** A GET with the agent's own token: Genesys decides what this agent may see. */
  private async asAgent(apiBaseUrl: string, path: string, accessToken: string, notFoundIsNull = false): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${apiBaseUrl}${path}`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (err) {
      throw new DomainError('genesys_unavailable', `Genesys could not be reached (${(err as Error).message}); reload the widget in a minute.`);
    }
    if (res.status === 401) throw new DomainError('invalid_token',
      'Genesys did not accept the agent\'s sign-in (expired or revoked): reload the widget to sign in again.');
    if (notFoundIsNull && (res.status === 404 || res.status === 403)) return null;
    if (!res.ok) throw new DomainError('genesys_unavailable',
      `Genesys answered ${res.status} on ${path.split('/').slice(0, 4).join('/')}; reload the widget in a minute.`);
    return res.json().catch(() => null);
  }
}
