/**
 * Environment -> typed, validated config. Every default lives here; a bad value stops the start
 * with one line per problem naming the variable and what it accepts.
 */
import path from 'node:path';
import proxyAddr from '@fastify/proxy-addr';
import { RELAY_MAX_FRAME_BYTES } from '@tandem/protocol';
import { loadSmsConfig, type SmsConfig } from './channels/sms-config.ts';
import { isPhoneRegion } from './shared/phone.ts';
import type { PostgresTimeouts } from './store/pg-db.ts';
import { loadGenesysConfig, type GenesysConfig } from './integrations/genesys/genesys-config.ts';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** Bounds on every wait for the Postgres server (DATABASE_URL); see the README's Operations. */
  databaseTimeouts: PostgresTimeouts;
  /** Longest wait for one Redis command (a publish) before the bus gives up on it. */
  redisCommandTimeoutMs: number;
  /** How long a node's presence entries and socket counts outlive it in Redis (refreshed every third of it). */
  presenceTtlMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  inviteExpirySeconds: number;
  corsOrigins: string[];
  accessTokenTtlSeconds: number;
  /** The furthest ahead an identity token's exp may be (IDENTITY_TOKEN_MAX_TTL_SECONDS). */
  identityTokenMaxTtlSeconds: number;
  /** Whether webhooks may reach private, loopback and link-local addresses (on-premises receivers). */
  webhookAllowPrivate: boolean;
  /**
   * Assets a customer's page may not read (another origin without CORS), fetched for the agent's
   * console: on or off (ASSET_PROXY), and the hosts and addresses it may reach although they are
   * not public (ASSET_PROXY_ALLOW: a self-hosted server's intranet, tests on loopback).
   */
  assetProxy: { enabled: boolean; allow: string[] };
  /** Attempts in all for one webhook delivery, the first included. */
  webhookMaxAttempts: number;
  /** Wait before each retry of a webhook delivery; the last one repeats if attempts remain. */
  webhookRetryScheduleMs: number[];
  /** How long a pending Idempotency-Key is held by its request before a retry may take it over. */
  idempotencyLeaseMs: number;
  sweepIntervalMs: number;
  tokenRateLimit: { max: number; windowMs: number };
  /**
   * Wrong codes: a source may miss `perSource` times per window (the lockout period) and is then
   * refused for `lockoutMs`; `perOrg` misses per window across an organisation raise an alarm.
   */
  codeRateLimit: { perSource: number; perOrg: number; windowMs: number; lockoutMs: number };
  /** Support codes a page may ask for (code.request), per source address and per deployment, per minute. */
  codeRequestRateLimit: { perSource: number; perDeployment: number; windowMs: number };
  bodyLimitBytes: number;
  /** How long a sharing page may be gone (reload, network drop) before its session ends. */
  resumeWindowMs: number;
  /** SMS provider (SMS_PROVIDER and its settings), retries and the invite text. */
  sms: SmsConfig;
  /** Region a phone number without + is read in (DEFAULT_PHONE_REGION, e.g. US); null: + required. */
  defaultPhoneRegion: string | null;
  /** Frames per second a sharing page may send on average before its socket is cut off. */
  captureFramesPerSecond: number;
  /** What one live session may hold and send (bytes cached, queued per agent, bytes per second). */
  relayLimits: { maxBufferedBytes: number; agentBacklogBytes: number; captureBytesPerSecond: number; captureBurstBytes: number };
  /** Open sockets one source address may hold at once, per kind. */
  socketsPerSource: { visitor: number; capture: number; agent: number };
  /** Fastify's trustProxy: which peers' X-Forwarded-For is believed (true: any; a list: those addresses). */
  trustProxy: boolean | string[];
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  /** The Genesys Cloud connector (GENESYS_*): host overrides, reconnects, the channel lease. */
  genesys: GenesysConfig;
}

/** Misses are counted over the lockout period itself, so a source cannot stay just under the budget forever. */
function codeRateLimit(perSource: number, perOrg: number, lockoutMs: number): Config['codeRateLimit'] {
  return { perSource, perOrg, windowMs: lockoutMs, lockoutMs };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Like the large webhook senders: a receiver that is down for most of a day still gets it. */
const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';
const DURATION = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** A comma-separated list of waits such as 5s,5m,2h (ms, s, m or h), each at most a day. */
function durations(name: string, raw: string, problems: string[]): number[] {
  const out: number[] = [];
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = DURATION.exec(part);
    const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
    if (!(ms >= 1 && ms <= 86_400_000)) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a comma-separated list of waits like 5s,5m,30m,2h (ms, s, m or h; 1 ms to 24 h each)`);
      return [];
    }
    out.push(ms);
  }
  return out;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];

  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push(`${name}=${JSON.stringify(raw)} must be true or false`);
    return def;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const raw = env[name];
    if (raw === undefined || raw === '') return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      problems.push(`${name}=${JSON.stringify(raw)} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      return null;
    }
  };

  const webhookRetryScheduleMs = durations('WEBHOOK_RETRY_SCHEDULE', env.WEBHOOK_RETRY_SCHEDULE || DEFAULT_WEBHOOK_RETRY_SCHEDULE, problems);
  const port = int('PORT', 8080, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/$/, '');
  const logLevelRaw = env.LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    problems.push(`LOG_LEVEL=${JSON.stringify(logLevelRaw)} must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const phoneRegion = env.DEFAULT_PHONE_REGION || null;
  if (phoneRegion && !isPhoneRegion(phoneRegion)) problems.push(
    `DEFAULT_PHONE_REGION=${JSON.stringify(phoneRegion)} must be a two-letter region code in capitals, e.g. US or GB`);
  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of corsOrigins) {
    if (o === '*') continue;
    try {
      if (new URL(o).origin !== o) throw new Error('not an origin');
    } catch {
      problems.push(`CORS_ORIGINS entry ${JSON.stringify(o)} must be an origin like https://desk.example.com (or *)`);
    }
  }

  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);
  const metricsToken = env.METRICS_TOKEN || null;
  if (metricsToken !== null &&
    metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters (a random secret your Prometheus sends as a bearer token)');

  const config: Config = {
    port,
    host,
    publicUrl,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    databaseTimeouts: {
      connectMs: int('DATABASE_CONNECT_TIMEOUT_MS', 1000, 100, 60_000),
      statementMs: int('DATABASE_STATEMENT_TIMEOUT_MS', 1500, 100, 600_000),
      idleMs: int('DATABASE_IDLE_TIMEOUT_MS', 10_000, 1000, 3_600_000),
      idleInTransactionMs: int('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 5000, 1000, 3_600_000),
    },
    redisCommandTimeoutMs: int('REDIS_COMMAND_TIMEOUT_MS', 500, 50, 60_000),
    presenceTtlMs: int('PRESENCE_TTL_SECONDS', 15, 2, 3600) * 1000,
    logLevel: (LOG_LEVELS as readonly string[]).includes(logLevelRaw) ? (logLevelRaw as Config['logLevel']) : 'info',
    inviteExpirySeconds: int('INVITE_EXPIRY_SECONDS', 600, 30, 86400),
    corsOrigins,
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 900, 60, 86400),
    identityTokenMaxTtlSeconds: int('IDENTITY_TOKEN_MAX_TTL_SECONDS', 86400, 60, 30 * 86400),
    webhookAllowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', false),
    assetProxy: { enabled: bool('ASSET_PROXY', true),
      allow: (env.ASSET_PROXY_ALLOW ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter(Boolean) },
    webhookMaxAttempts: int('WEBHOOK_MAX_ATTEMPTS', webhookRetryScheduleMs.length + 1, 1, 50),
    webhookRetryScheduleMs,
    idempotencyLeaseMs: int('IDEMPOTENCY_LEASE_SECONDS', 30, 1, 3600) * 1000,
    sweepIntervalMs: int('SWEEP_INTERVAL_MS', 1000, 50, 60_000),
    tokenRateLimit: { max: int('TOKEN_RATE_LIMIT', 30, 1, 100000), windowMs: 60_000 },
    codeRateLimit: codeRateLimit(int('CODE_RATE_LIMIT_PER_SOURCE', 10, 1, 1000), int('CODE_RATE_LIMIT_PER_ORG', 100, 1, 1000000),
      int('CODE_LOCKOUT_SECONDS', 900, 60, 86400) * 1000),
    codeRequestRateLimit: { perSource: int('CODE_REQUEST_RATE_LIMIT_PER_SOURCE', 10, 1, 10000),
      perDeployment: int('CODE_REQUEST_RATE_LIMIT_PER_DEPLOYMENT', 600, 1, 1000000), windowMs: 60_000 },
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    resumeWindowMs: int('RESUME_WINDOW_SECONDS', 30, 1, 3600) * 1000,
    captureFramesPerSecond: int('CAPTURE_MAX_FRAMES_PER_SECOND', 400, 10, 1_000_000),
    relayLimits: {
      maxBufferedBytes: int('RELAY_CACHE_BYTES', 4 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
      agentBacklogBytes: int('RELAY_AGENT_BACKLOG_BYTES', 4 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
      captureBytesPerSecond: int('CAPTURE_MAX_BYTES_PER_SECOND', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      // At least one largest frame, so a full snapshot of a big page always fits.
      captureBurstBytes: int('CAPTURE_BURST_BYTES', 16 * 1024 * 1024, RELAY_MAX_FRAME_BYTES, 1024 * 1024 * 1024),
    },
    socketsPerSource: {
      visitor: int('VISITOR_SOCKETS_PER_SOURCE', 200, 1, 1_000_000),
      capture: int('CAPTURE_SOCKETS_PER_SOURCE', 20, 1, 1_000_000),
      agent: int('AGENT_SOCKETS_PER_SOURCE', 200, 1, 1_000_000),
    },
    trustProxy,
    metricsToken,
    sms: loadSmsConfig(env, problems, int),
    genesys: loadGenesysConfig(env, problems, int),
    defaultPhoneRegion: phoneRegion && isPhoneRegion(phoneRegion) ? phoneRegion : null,
    ...overrides,
  };
  // Nodes share state through Redis only when they also share a database; PGlite lives in one process.
  if (config.redisUrl && !config.databaseUrl) {
    problems.push('REDIS_URL is set without DATABASE_URL: several nodes need one Postgres server (the embedded PGlite database lives in one process). '
      + 'Set DATABASE_URL=postgres://..., or unset REDIS_URL to run one node.');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * TRUST_PROXY: `true` (any peer, only when nothing but the balancer can reach the server), or a
 * comma-separated list of the balancers' addresses or CIDR ranges (`loopback`, `linklocal` and
 * `uniquelocal` name the usual ones). Hop counts are refused: Fastify 5 trusts nothing for them.
 */
function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | string[] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((entry) => {
    if (/^\d+$/.test(entry)) return true;
    try {
      proxyAddr.compile(entry);
      return false;
    } catch {
      return true;
    }
  });
  if (bad.length) {
    problems.push(
      `TRUST_PROXY entries ${bad.map((b) => JSON.stringify(b)).join(', ')} must be true, false, or addresses/CIDR ranges of your balancers (e.g. 10.0.0.0/8,` +
        `loopback)`);
    return false;
  }
  return list;
}
