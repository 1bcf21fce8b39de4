import { templateProblems } from './sms-template.ts';

export const SMS_PROVIDERS = ['outbox', 'webhook', 'twilio', 'genesys'] as const;

export type SmsProviderConfig =
  | { kind: 'outbox' }
  | { kind: 'webhook'; url: string; secret: string }
  // The sender and credentials are each organisation's Genesys link (PUT /v1/integrations/genesys).
  | { kind: 'genesys' }
  | { kind: 'twilio'; accountSid: string; authToken: string; sender: { from: string } | { messagingServiceSid: string }; baseUrl: string };

export interface SmsConfig {
  provider: SmsProviderConfig;
  /** Attempts in all for a message whose failures are passing trouble (5xx, 429, timeouts). */
  maxAttempts: number;
  /** Wait before the second attempt; doubles after. */
  retryBaseMs: number;
  /** How long one request to the provider may take. */
  timeoutMs: number;
  /** The invite text; null for the built-in one. */
  template: string | null;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
// A Twilio number in E.164, a short code, or an alphanumeric sender id (letters required, 11 max).
const TWILIO_FROM = /^(\+[1-9]\d{6,14}|\d{3,8}|(?=.*[A-Za-z])[A-Za-z0-9 +\-_&]{1,11})$/;

/**
 * The SMS part of the environment, checked the way config.ts checks the rest: every problem is
 * one line naming the variable and what it accepts, pushed onto `problems`.
 */
export function loadSmsConfig(env: NodeJS.ProcessEnv, problems: string[], int: (name: string, def: number, min: number, max: number) => number): SmsConfig {
  const get = (name: string) => (env[name] === undefined || env[name] === '' ? null : env[name]!);
  const required = (name: string, why: string) => {
    const v = get(name);
    if (v === null) problems.push(`${name} must be set when ${why}`);
    return v ?? '';
  };
  const httpUrl = (name: string, v: string) => {
    try {
      if (!['http:', 'https:'].includes(new URL(v).protocol)) throw new Error('protocol');
    } catch {
      problems.push(`${name}=${JSON.stringify(v)} must be a URL starting with http:// or https://`);
    }
  };

  const kind = get('SMS_PROVIDER') ?? 'outbox';
  let provider: SmsProviderConfig = { kind: 'outbox' };
  if (kind === 'webhook') {
    const why = 'SMS_PROVIDER=webhook';
    const url = required('SMS_WEBHOOK_URL', `${why} (the company's sender that receives each message)`);
    if (url) httpUrl('SMS_WEBHOOK_URL', url);
    const secret = required('SMS_WEBHOOK_SECRET', `${why} (whsec_<base64 key>, as \`tandem\` prints for webhooks)`);
    if (secret && !validSecret(secret)) problems.push('SMS_WEBHOOK_SECRET must be whsec_ followed by a base64 key of 24 to 64 bytes');
    provider = { kind: 'webhook', url, secret };
  } else if (kind === 'twilio') {
    const why = 'SMS_PROVIDER=twilio';
    const accountSid = required('TWILIO_ACCOUNT_SID', why);
    if (accountSid && !ACCOUNT_SID.test(accountSid)) problems.push(`TWILIO_ACCOUNT_SID=${JSON.stringify(accountSid)} must be AC followed by 32 hex digits`);
    const authToken = required('TWILIO_AUTH_TOKEN', why);
    const from = get('TWILIO_FROM');
    const service = get('TWILIO_MESSAGING_SERVICE_SID');
    if (from && service) problems.push('TWILIO_FROM and TWILIO_MESSAGING_SERVICE_SID are both set: set one (the Messaging Service picks the sender itself)');
    else if (!from && !service) problems.push(`TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID must be set when ${why}`);
    if (from && !TWILIO_FROM.test(from)) problems.push(
      `TWILIO_FROM=${JSON.stringify(from)} must be a number in E.164 (+14155550123), a short code, or an alphanumeric sender id of up to 11 characters`);
    if (service &&
      !MESSAGING_SERVICE_SID.test(service)) problems.push(`TWILIO_MESSAGING_SERVICE_SID=${JSON.stringify(service)} must be MG followed by 32 hex digits`);
    const baseUrl = (get('TWILIO_BASE_URL') ?? 'https://api.twilio.com').replace(/\/$/, '');
    httpUrl('TWILIO_BASE_URL', baseUrl);
    provider = { kind: 'twilio', accountSid, authToken, sender: service ? { messagingServiceSid: service } : { from: from ?? '' }, baseUrl };
  } else if (kind === 'genesys') {
    provider = { kind: 'genesys' };
  } else if (kind !== 'outbox') {
    problems.push(`SMS_PROVIDER=${JSON.stringify(kind)} must be one of ${SMS_PROVIDERS.join(', ')}`);
  }

  const template = get('SMS_TEMPLATE');
  if (template) for (const p of templateProblems(template)) problems.push(`SMS_TEMPLATE ${p}`);

  return {
    provider,
    maxAttempts: int('SMS_MAX_ATTEMPTS', 3, 1, 10),
    retryBaseMs: int('SMS_RETRY_BASE_MS', 1000, 1, 60_000),
    timeoutMs: int('SMS_TIMEOUT_MS', 10_000, 100, 60_000),
    template,
  };
}

function validSecret(secret: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m) return false;
  const bytes = Buffer.from(m[1]!, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}
