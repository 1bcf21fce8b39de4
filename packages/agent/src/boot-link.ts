// Hands the boot script's socket (console-boot.ts) to the console's code, which is a separate
// bundle: through one slot on the page's window, keyed by server and token so that a console
// for anything else never takes it. The boot script runs as soon as it has loaded, so the
// console's first script may come first: it then closes the slot, and the boot script opens
// nothing (two sockets for one console would replace each other).
import type { BootLink } from './agent-socket.ts';

const SLOT = '__tandemBootLink';

type Slot = { key: string; link: BootLink } | 'closed';

const linkKey = (server: string, token: string) => `${server} ${token}`;

function slot(): Slot | undefined {
  return (window as unknown as Record<string, Slot | undefined>)[SLOT];
}

function fill(value: Slot): void {
  Object.defineProperty(window, SLOT, { value, configurable: true });
}

/** True while nothing has opened the console's socket yet. */
export function bootSlotOpen(): boolean {
  return slot() === undefined;
}

export function offerBootLink(server: string, token: string, link: BootLink): void {
  if (bootSlotOpen()) fill({ key: linkKey(server, token), link });
}

/** The boot script's picture of the first snapshot, while it is being drawn, if its link is for this server and token. */
export function bootPicturing(server: string, token: string): Promise<void> | null {
  const offered = slot();
  if (offered === undefined || offered === 'closed' || offered.key !== linkKey(server, token)) return null;
  return offered.link.picturing?.() ?? null;
}

/** Takes the boot script's link for this server and token, once; the slot is closed after. */
export function takeBootLink(server: string, token: string): BootLink | null {
  const offered = slot();
  fill('closed');
  if (offered === undefined || offered === 'closed') return null;
  if (offered.key === linkKey(server, token)) return offered.link;
  // Opened for something else: no console will take it.
  offered.link.release();
  offered.link.view?.remove();
  offered.link.socket.close();
  return null;
}
