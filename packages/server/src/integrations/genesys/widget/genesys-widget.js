// The Genesys Cloud Interaction Widget page: the agent signs in with Genesys (implicit grant of
// the browser OAuth client named in the link), Tandem checks with that token that the agent is a
// participant of the call, and the page becomes the Tandem console for it. The call and the
// Tandem organisation travel in `state`, so the redirect URI registered in Genesys is this
// page's plain URL.
(async () => {
  const status = document.getElementById('status');
  const say = (text, tone) => {
    status.textContent = text;
    if (tone) status.dataset.tone = tone;
  };
  const here = `${location.origin}${location.pathname}`;
  const fragment = new URLSearchParams(location.hash.slice(1));
  try {
    if (fragment.has('access_token') || fragment.has('error')) {
      history.replaceState(null, '', here);
      const state = JSON.parse(fragment.get('state') || '{}');
      if (fragment.has('error')) return say(`Genesys Cloud did not sign you in (${fragment.get('error')}). Reload the widget to try again.`, 'error');
      say('Checking that this call is yours…');
      const res = await fetch('/genesys/widget/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ org: state.org, conversationId: state.conversationId, accessToken: fragment.get('access_token') }),
      });
      const body = await res.json();
      if (!res.ok) return say(body.detail || body.title || `Tandem answered ${res.status}`, 'error');
      location.replace(body.consoleUrl);
      return;
    }
    const params = new URLSearchParams(location.search);
    const org = params.get('org');
    const conversationId = params.get('conversationId');
    if (!org || !conversationId || conversationId.includes('{{')) {
      return say(
        'This page opens inside a Genesys Cloud interaction: its URL needs org and conversationId (see the Interaction Widget set-up in Tandem\'s README).',
          'error');
    }
    const res = await fetch(`/genesys/widget/config?org=${encodeURIComponent(org)}`);
    const cfg = await res.json();
    if (!res.ok) return say(cfg.detail || cfg.title, 'error');
    const authorize = new URL(`${cfg.loginBaseUrl}/oauth/authorize`);
    authorize.search =
      new URLSearchParams({ response_type: 'token', client_id: cfg.clientId, redirect_uri: here, state: JSON.stringify({ org, conversationId }) }).toString();
    location.assign(authorize.toString());
  } catch (err) {
    say(`Could not start the cobrowse console: ${err && err.message ? err.message : err}`, 'error');
  }
})();
