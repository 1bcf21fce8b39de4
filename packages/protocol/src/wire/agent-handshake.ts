// The agent console's socket (/v1/agent) may carry its token in the WebSocket handshake, as a
// subprotocol, instead of in a first `auth` message. The console page opens its socket before
// any of its code has loaded (packages/agent: console-boot.ts), and a token in the handshake
// lets the server send the customer's page the moment the socket is up, without waiting for the
// page's script to answer `open` with its token (bench: agent join). A subprotocol rather than a
// query parameter: addresses end up in access logs and proxies' histories, handshake headers do
// not. The server answers with AGENT_SUBPROTOCOL only, never with the token.

/** The protocol the server selects; a console that offered it has authenticated with its handshake. */
export const AGENT_SUBPROTOCOL = 'tandem.agent.v1';

const TOKEN_PREFIX = 'tandem.token.';
// A subprotocol is an HTTP token (RFC 7230 tchar): a JWT's base64url parts and dots are.
const TOKEN_CHARS = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** What the console offers for `token`; null when the token cannot travel as a subprotocol. */
export function agentSocketProtocols(token: string): string[] | null {
  return TOKEN_CHARS.test(token) ? [AGENT_SUBPROTOCOL, TOKEN_PREFIX + token] : null;
}

/** The token offered in a `Sec-WebSocket-Protocol` header, if the console offered our protocol with it. */
export function tokenFromProtocols(header: string | undefined): string | null {
  if (!header) return null;
  const offered = header.split(',').map((p) => p.trim());
  if (!offered.includes(AGENT_SUBPROTOCOL)) return null;
  const carried = offered.find((p) => p.startsWith(TOKEN_PREFIX));
  return carried ? carried.slice(TOKEN_PREFIX.length) : null;
}
