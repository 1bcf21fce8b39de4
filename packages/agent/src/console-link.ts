// The console page's first script (/agent/console-link.js, a few KB): it opens the link to Tandem
// as soon as the page has parsed, while the browser is still fetching and compiling console.js
// beside it (module scripts run in document order, each as soon as it has loaded).
import { preconnect } from './early-link.ts';
import { warmIntl } from './intl-warmup.ts';
import { hidePageToken, pageToken } from './page-token.ts';

const token = pageToken();
if (token && document.getElementById('console')) {
  preconnect(location.origin, token);
  // After the socket has started: the warm-up fills the wait for its answer.
  setTimeout(warmIntl, 0);
}
hidePageToken();
