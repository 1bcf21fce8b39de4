import ipaddr from 'ipaddr.js';

/**
 * The key a caller's attempts are counted under. One IPv6 host is handed a whole /64, so the
 * /64 is one source; an IPv4 address mapped into IPv6 is the IPv4 address.
 */
export function attemptSource(address: string | null | undefined): string {
  if (!address || !ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}
