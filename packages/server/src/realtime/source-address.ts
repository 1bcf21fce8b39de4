import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** Whether the peer at `address`, `hop` steps from the server, is a balancer whose headers count. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY as one function, handed to Fastify as its trustProxy and used for WebSocket
 * upgrades, so `request.ip` and a socket's source are always the same address.
 */
export function proxyTrust(setting: boolean | string[]): ProxyTrust {
  if (setting === true) return () => true;
  if (setting === false || setting.length === 0) return () => false;
  return proxyAddr.compile(setting);
}

/** The client's address: X-Forwarded-For is read only through trusted balancers. */
export function sourceAddress(req: IncomingMessage, trust: ProxyTrust): string {
  return proxyAddr(req, trust) ?? 'unknown';
}
