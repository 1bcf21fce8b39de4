// The Genesys Cloud Interaction Widget page: the agent signs in with Genesys (authorization code
// with PKCE by default, or the implicit grant, as the link says), Tandem checks with that sign-in
// that the agent is a participant of the call, and the page becomes the Tandem console for it.
// The call and the Tandem organisation travel in `state`, so the redirect URI registered in
// Genesys is this page's plain URL. The PKCE verifier never leaves this tab until the code
// comes back; it waits in sessionStorage under a one-time key that `state` carries.
(async () => {
  const status = document.getElementById('status');
  const say = (text, tone) => {
    status.textContent = text;
    if (tone) status.dataset.tone = tone;
  };
  const here = `${location.origin}${location.pathname}`;
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const readState = (raw) => {
    try {
      return JSON.parse(raw || '{}');
    } catch {
      return {};
    }
  };

  const openConsole = async (signIn, state) => {
    say('Checking that this call is yours…');
    const res = await fetch('/genesys/widget/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ org: state.org, conversationId: state.conversationId, ...signIn }),
    });
    const body = await res.json();
    if (!res.ok) return say(body.detail || body.title || `Tandem answered ${res.status}`, 'error');
    location.replace(body.consoleUrl);
  };

  try {
    // Back from the Genesys login.
    const back = query.has('code') || query.has('error') ? query : fragment.has('access_token') || fragment.has('error') ? fragment : null;
    if (back) {
      history.replaceState(null, '', here);
      const state = readState(back.get('state'));
      if (back.has('error')) return say(`Genesys Cloud did not sign you in (${back.get('error')}). Reload the widget to try again.`, 'error');
      if (back.has('access_token')) return await openConsole({ accessToken: back.get('access_token') }, state);
      const key = `tandem-genesys-pkce:${state.n}`;
      const codeVerifier = sessionStorage.getItem(key);
      sessionStorage.removeItem(key);
      if (!codeVerifier) return say('This sign-in was not started here (or was already used). Reload the widget to sign in again.', 'error');
      return await openConsole({ code: back.get('code'), codeVerifier, redirectUri: here }, state);
    }

    const org = query.get('org');
    const conversationId = query.get('conversationId');
    if (!org || !conversationId || conversationId.includes('{{')) {
      return say(
        'This page opens inside a Genesys Cloud interaction: its URL needs org and conversationId (see the Interaction Widget set-up in Tandem\'s README).',
          'error');
    }
    const res = await fetch(`/genesys/widget/config?org=${encodeURIComponent(org)}`);
    const cfg = await res.json();
    if (!res.ok) return say(cfg.detail || cfg.title, 'error');
    const authorize = new URL(`${cfg.loginBaseUrl}/oauth/authorize`);
    const params = { client_id: cfg.clientId, redirect_uri: here };
    if (cfg.grant === 'implicit') {
      Object.assign(params, { response_type: 'token', state: JSON.stringify({ org, conversationId }) });
    } else {
      // RFC 7636: a random verifier (86 characters here), its SHA-256 as the S256 challenge.
      const codeVerifier = base64url(crypto.getRandomValues(new Uint8Array(64)));
      const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))));
      const n = base64url(crypto.getRandomValues(new Uint8Array(16)));
      sessionStorage.setItem(`tandem-genesys-pkce:${n}`, codeVerifier);
      Object.assign(params, { response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256',
        state: JSON.stringify({ org, conversationId, n }) });
    }
    authorize.search = new URLSearchParams(params).toString();
    location.assign(authorize.toString());
  } catch (err) {
    say(`Could not start the cobrowse console: ${err && err.message ? err.message : err}`, 'error');
  }
})();
