// The console page's very first script (inline at the top of the page's head, put there by
// packages/agent/build.ts and allowed by its hash in the page's policy, so it runs while the page
// is still being parsed, with no request of its own, and its modules load): it opens the console's
// socket with the token in its handshake (@tandem/protocol/wire agent-handshake.ts) and keeps
// what arrives. The server sends the customer's page as soon as the socket is up; the console's
// code, which takes over this socket (early-link.ts), is still loading then (bench: agent join).
import type { BootLink } from './agent-socket.ts';
import { openAgentSocket } from './agent-socket.ts';
import { bootSlotOpen, offerBootLink } from './boot-link.ts';
import { pageToken } from './page-token.ts';

const token = pageToken();
if (token && bootSlotOpen()) {
  try {
    const socket = openAgentSocket(location.origin, token);
    const received: unknown[] = [];
    const keep = (event: MessageEvent<unknown>) => void received.push(event.data);
    socket.addEventListener('message', keep);
    const link: BootLink = { socket, received, release: () => socket.removeEventListener('message', keep) };
    offerBootLink(location.origin, token, link);
  } catch {
    // The console opens its own socket.
  }
}
