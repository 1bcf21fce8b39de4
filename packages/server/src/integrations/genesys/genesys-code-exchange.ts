import { DomainError } from '../../shared/domain-error.ts';

export interface CodeGrant {
  clientId: string;
  code: string;
  codeVerifier: string;
  /** The redirect URI the page sent to /oauth/authorize; Genesys checks it is the same. */
  redirectUri: string;
}

/**
 * Trades an authorization code for the agent's access token at Genesys's token endpoint
 * (POST {login}/oauth/token, grant_type=authorization_code with the PKCE code_verifier and the
 * client id; a browser client has no secret). Done here rather than in the page so the page's
 * CSP keeps talking to Tandem only.
 */
export async function exchangeCode(loginBaseUrl: string, g: CodeGrant, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${loginBaseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: g.code, code_verifier: g.codeVerifier, client_id: g.clientId,
        redirect_uri: g.redirectUri }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new DomainError('genesys_unavailable',
      `Genesys could not be reached to finish the sign-in (${(err as Error).message}); reload the widget in a minute.`);
  }
  const body = (await res.json().catch(() => null)) as { access_token?: unknown; error?: unknown; description?: unknown; error_description?: unknown } | null;
  if (res.ok && typeof body?.access_token === 'string') return body.access_token;
  if (res.status >= 500 || res.status === 429) {
    throw new DomainError('genesys_unavailable', `Genesys answered ${res.status} to the sign-in; reload the widget in a minute.`);
  }
  const why = [body?.error, body?.description ?? body?.error_description].filter((x): x is string => typeof x === 'string').join(': ');
  throw new DomainError('invalid_token',
    `Genesys did not accept the sign-in code${why ? ` (${why})` : ''}: it expires within minutes and works once; reload the widget to sign in again.`);
}
