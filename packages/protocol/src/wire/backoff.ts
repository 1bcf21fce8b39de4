/**
 * The one reconnect schedule of every browser socket (visitor, capture, agent console): exponential
 * from RECONNECT_FIRST_MS, doubling per failed attempt up to RECONNECT_MAX_MS, with "equal jitter"
 * (half the step fixed, half random) so that a server restart is not met by every page at once.
 */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 15_000;

/**
 * How long to wait before reconnect attempt `attempt` (0 for the first after a drop; reset to 0 once
 * a connection is accepted). `random` returns a number in [0, 1), as Math.random does.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, attempt));
  return step / 2 + random() * (step / 2);
}
