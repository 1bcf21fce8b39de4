// The standalone console page (/console#token=...): the token travels in the fragment so it never
// reaches a server log or a Referer header, and leaves the address bar at once so it is not in
// history, bookmarks or a screen share of the agent's desktop.
import { defineTandemConsole } from './tandem-console.ts';

function takeToken(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token !== null) history.replaceState(history.state, '', location.pathname + location.search);
  return token;
}

const token = takeToken();
defineTandemConsole();
const mount = document.getElementById('console');
if (mount && token) {
  const element = document.createElement('tandem-console');
  element.setAttribute('server', location.origin);
  element.setAttribute('token', token);
  mount.replaceChildren(element);
}
