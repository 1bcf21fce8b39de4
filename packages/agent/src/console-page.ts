// The standalone console page (/console#token=...): <tandem-console> full-page. console-link.ts
// starts this script once the customer's page is on screen as a picture (or nothing is being
// shared); the console's link to Tandem, opened by console-boot.ts, is already up by then.
import { defineTandemConsole } from './tandem-console.ts';
import { hidePageToken, pageToken } from './page-token.ts';

const token = pageToken();
hidePageToken();
defineTandemConsole();
const mount = document.getElementById('console');
if (mount && token) {
  const element = document.createElement('tandem-console');
  element.setAttribute('server', location.origin);
  element.setAttribute('token', token);
  // /console?lang=de: the desktop's choice of language over the browser's.
  const lang = new URLSearchParams(location.search).get('lang');
  if (lang) element.setAttribute('lang', lang);
  mount.replaceChildren(element);
}
