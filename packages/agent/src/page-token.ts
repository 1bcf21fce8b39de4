// The console page's token (/console#token=...): it travels in the fragment so it never reaches a
// server log or a Referer header, and leaves the address bar at once so it is not in history,
// bookmarks or a screen share of the agent's desktop. Both of the page's scripts ask for it (see
// console-link.ts), so it is read once and remembered.
let token: string | null | undefined;
let hidden = false;

export function pageToken(): string | null {
  if (token === undefined) token = new URLSearchParams(location.hash.slice(1)).get('token');
  return token;
}

/**
 * Takes the token out of the address bar. Separate from pageToken(): changing the address costs
 * the page several milliseconds, better spent once its link to Tandem has set off.
 */
export function hidePageToken(): void {
  if (hidden || pageToken() === null) return;
  hidden = true;
  history.replaceState(history.state, '', location.pathname + location.search);
}
