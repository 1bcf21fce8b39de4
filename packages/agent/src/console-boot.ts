// The console page's very first script (inline at the top of the page's head, put there by
// packages/agent/build.ts and allowed by its hash in the page's policy, so it runs while the page
// is still being parsed, with no request of its own): it opens the console's socket with the token
// in its handshake (@tandem/protocol/wire agent-handshake.ts), keeps what arrives, and pictures
// the customer's page from the first snapshot (boot-picture.ts). The server sends that snapshot as
// soon as the socket is up; the console's code, which takes over this socket and picture
// (early-link.ts), is still loading then (bench: agent join).
import type { BootLink } from './agent-socket.ts';
import { openAgentSocket } from './agent-socket.ts';
import { bootSlotOpen, offerBootLink } from './boot-link.ts';
import { pictureSnapshotFrame } from './boot-picture.ts';
import { EarlyView } from './early-view.ts';
import { pageToken } from './page-token.ts';

const token = pageToken();
// The page's words for a visit without a token (public/console.html) are not for this one, whose
// console is coming: they would show beside the picture until the console's code has arrived.
if (token) document.documentElement.dataset['token'] = '';
if (token && bootSlotOpen()) {
  let socket: WebSocket | null = null;
  try {
    socket = openAgentSocket(location.origin, token);
  } catch {
    // The console opens its own socket.
  }
  if (socket) {
    const received: unknown[] = [];
    // The page's body may not be parsed yet: the picture covers the viewport wherever it is.
    const view = new EarlyView(() => document.body ?? document.documentElement);
    let picturing: Promise<void> | null = null;
    const keep = (event: MessageEvent<unknown>) => {
      received.push(event.data);
      picturing ??= pictureSnapshotFrame(event.data, view);
    };
    socket.addEventListener('message', keep);
    const release = () => socket.removeEventListener('message', keep);
    offerBootLink(location.origin, token, { socket, received, view, release, picturing: () => picturing } satisfies BootLink);
    // A frame is a document and a window of its own, 15-50 ms of this thread (traced): made
    // after the page's parse and while the socket opens, it is ready when the snapshot comes.
    setTimeout(() => view.prepare(), 0);
  }
}
