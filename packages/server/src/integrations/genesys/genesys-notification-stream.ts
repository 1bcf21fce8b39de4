import WebSocket from 'ws';

/** Why a stream ended; each leads to a new channel and a resync. */
export type StreamEnd = 'socket_closing' | 'subscription_lost' | 'heartbeat_timeout' | 'channel_expiring' | 'closed' | 'error' | 'stopped';

export interface StreamHandlers {
  onEvent(topicName: string, eventBody: unknown): void;
  /** A message that is not JSON or lacks topicName/eventBody. */
  onMalformed(raw: string): void;
}

export interface OpenStream {
  /** Resolves with the reason once the stream is over (never rejects). */
  ended: Promise<StreamEnd>;
  stop(): void;
}

/**
 * System messages that mean the channel no longer delivers our topics: the token that made the
 * subscription was revoked, or a topic was dropped (a permission taken away). A new channel, made
 * with a fresh token, subscribes again and resyncs, or says why it cannot.
 */
const SUBSCRIPTION_LOST = /^v2\.system\.(no_longer_subscribed|token_revoked)\./;

/** Genesys asks clients to renew a channel before it expires; start over this long before. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/**
 * Reads one Genesys notification channel's WebSocket. Heartbeats (channel.metadata) only keep
 * the watchdog fed; v2.system.socket_closing, v2.system.no_longer_subscribed.* or
 * v2.system.token_revoked.*, a silent socket, the channel's expiry or a drop end the stream, and
 * the caller starts over on a new channel.
 */
export async function openNotificationStream(connectUri: string, expires: string | null, heartbeatTimeoutMs: number, h: StreamHandlers,
  connectTimeoutMs: number): Promise<OpenStream> {
  const ws = new WebSocket(connectUri, { handshakeTimeout: connectTimeoutMs });
  let watchdog: NodeJS.Timeout | undefined;
  let expiry: NodeJS.Timeout | undefined;
  let finish!: (why: StreamEnd) => void;
  const ended = new Promise<StreamEnd>((resolve) => {
    let done = false;
    finish = (why) => {
      if (done) return;
      done = true;
      clearTimeout(watchdog);
      clearTimeout(expiry);
      ws.removeAllListeners('message');
      ws.on('error', () => undefined);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
      resolve(why);
    };
  });
  const feedWatchdog = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => finish('heartbeat_timeout'), heartbeatTimeoutMs);
  };

  // Listening before the handshake completes: Genesys may send a notification in the same packet
  // as its 101 answer, and ws emits it before an `await` on 'open' would resume.
  ws.on('message', (data) => {
    feedWatchdog();
    const raw = data.toString();
    let msg: { topicName?: unknown; eventBody?: unknown };
    try {
      msg = JSON.parse(raw) as typeof msg;
    } catch {
      return h.onMalformed(raw);
    }
    if (!msg || typeof msg.topicName !== 'string') return h.onMalformed(raw);
    if (msg.topicName === 'channel.metadata') return;
    if (msg.topicName === 'v2.system.socket_closing') return finish('socket_closing');
    if (SUBSCRIPTION_LOST.test(msg.topicName)) return finish('subscription_lost');
    if (msg.eventBody === undefined) return h.onMalformed(raw);
    h.onEvent(msg.topicName, msg.eventBody);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the stream answered ${res.statusCode}`)));
    });
  } catch (err) {
    finish('error');
    throw err;
  }
  feedWatchdog();
  const expiresAt = expires ? Date.parse(expires) : NaN;
  if (Number.isFinite(expiresAt)) {
    expiry = setTimeout(() => finish('channel_expiring'), Math.max(0, Math.min(expiresAt - Date.now() - EXPIRY_MARGIN_MS, 2 ** 31 - 1)));
  }
  ws.on('close', () => finish('closed'));
  ws.on('error', () => finish('error'));
  return { ended, stop: () => finish('stopped') };
}
