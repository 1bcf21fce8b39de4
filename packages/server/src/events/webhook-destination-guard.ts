import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, type Dispatcher } from 'undici';

/**
 * Webhook URLs are chosen by API clients, so without a guard the server would reach into its
 * own network for them (cloud metadata, databases, admin ports) and its delivery log would tell
 * what answered. Only public unicast addresses are reached, checked on the address actually
 * connected to, after DNS, so a name that resolves to a public address when registered and to a
 * private one later (DNS rebinding) is refused too. WEBHOOK_ALLOW_PRIVATE=true turns it off for
 * on-premises receivers.
 */

/** Whether an address is public: global unicast, nothing private, loopback, link-local, reserved or tunnelled. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // process() turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4 address it carries.
  return ipaddr.process(address).range() === 'unicast';
}

/** Why a URL may not be registered, or null: IP literals (the URL parser normalises 2130706433 and 0x7f.1) and localhost names are judged at once. */
export function refusedWebhookHost(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPublicAddress(host) ? null : 'the address is not public';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost is not public';
  return null;
}

const NOT_PUBLIC = 'TANDEM_DESTINATION_NOT_PUBLIC';

function notPublic(): Error {
  return Object.assign(new Error('the receiver\'s address is not public'), { code: NOT_PUBLIC });
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Whether an error (or its cause) is the guard's refusal of an address that is not public. */
export function isNotPublicError(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === NOT_PUBLIC || e?.cause?.code === NOT_PUBLIC;
}

/** dns.lookup that fails when any address the name resolves to is neither public nor allowed. */
function publicOnlyLookup(allowed: (address: string) => boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!addresses.length || addresses.some((a) => !isPublicAddress(a.address) && !allowed(a.address))) return callback(notPublic(), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * An undici dispatcher that connects to public addresses only (an IP literal is checked before
 * connecting, a name after its lookup). `allow` names hosts and addresses it may reach anyway
 * (an intranet a self-hosted server serves, loopback in tests): a name in it is connected to
 * wherever it resolves, an address in it wherever it was reached from.
 */
export function publicOnlyDispatcher(allow: readonly string[] = []): Dispatcher {
  const allowed = new Set(allow.map((h) => h.toLowerCase()));
  const isAllowed = (address: string) => allowed.has(address.toLowerCase()) ||
    (ipaddr.isValid(address) && allowed.has(ipaddr.process(address).toString()));
  const connector = buildConnector({ lookup: publicOnlyLookup(isAllowed) } as buildConnector.BuildOptions);
  const open = allowed.size ? buildConnector({}) : connector;
  return new Agent({
    connect(opts, callback) {
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      if (isAllowed(host)) return open(opts, callback);
      if (isIP(host) && !isPublicAddress(host)) return callback(notPublic(), null);
      return connector(opts, callback);
    },
  });
}

export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>;

/** fetch for webhook deliveries: public receivers only unless private ones are allowed. */
export function webhookFetch(allowPrivate: boolean): WebhookFetch {
  if (allowPrivate) return (url, init) => fetch(url, init);
  const dispatcher = publicOnlyDispatcher();
  return (url, init) => fetch(url, { ...init, dispatcher } as RequestInit);
}

/**
 * What failed, for the delivery log an API client reads: the kind of failure, never the
 * address, port or internal message that would map the network behind the server.
 */
export function describeDeliveryError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  if (e.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  const code = e.cause?.code ?? (e as { code?: string }).code ?? '';
  if (code === NOT_PUBLIC) return 'refused: the receiver\'s address is not public (a server for on-premises receivers sets WEBHOOK_ALLOW_PRIVATE=true)';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection closed by the receiver';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'could not connect in time';
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return 'TLS certificate not accepted';
  return 'could not connect';
}
