// Identified, idle visitor pages for the idle-visitors scenario, in a child process of the bench
// (forked with tsx): each socket costs the load generator a file descriptor too, and one process
// may hold ~20,000, so tens of thousands of sockets need several processes. The parent drives it
// over IPC; the process exits when the parent goes away.
import WebSocket from 'ws';
import { SignJWT } from 'jose';

export type LoadCommand =
  | { type: 'connect'; url: string; deploymentKey: string; identitySecret: string; origin: string; count: number; localAddresses: string[]; concurrency: number;
    idPrefix: string }
  | { type: 'drop' };

export type LoadReply =
  | { type: 'connected'; open: number; failed: number; firstError: string | null }
  | { type: 'dropped' };

// What a Chromium page sends; the server keeps the user agent (up to 512 characters) per visitor.
const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const REPLY_TIMEOUT_MS = 30_000;

const sockets = new Set<WebSocket>();
let made = 0;

/** Sends one visitor message and waits for the reply to it (`re` = its seq). */
function request(ws: WebSocket, msg: Record<string, unknown>): Promise<{ type: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no reply to ${String(msg['type'])} within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as { type: string; re?: number };
      if (m.re === msg['seq']) done(null, m);
    };
    const onClose = () => done(new Error('closed before the reply'));
    const done = (err: Error | null, m?: { type: string }) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (err) reject(err);
      else resolve(m!);
    };
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(JSON.stringify(msg));
  });
}

/** A page that loaded the SDK (hello) and identified its customer, then does nothing. */
async function openVisitor(cmd: Extract<LoadCommand, { type: 'connect' }>, localAddress: string, customerId: string): Promise<void> {
  const ws = new WebSocket(`${cmd.url.replace(/^http/, 'ws')}/v1/visitor?deployment=${encodeURIComponent(cmd.deploymentKey)}`, {
    origin: cmd.origin,
    localAddress,
    headers: { 'user-agent': USER_AGENT },
  });
  ws.on('error', () => undefined); // a failure shows as the open or a request rejecting
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  sockets.add(ws);
  ws.once('close', () => sockets.delete(ws));
  const welcome = await request(ws, { type: 'hello', v: 1, seq: 1, url: `${cmd.origin}/` });
  if (welcome.type !== 'welcome') throw new Error(`hello answered with ${welcome.type}`);
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(customerId).setIssuedAt().setExpirationTime('2h').sign(
    new TextEncoder().encode(cmd.identitySecret));
  const identified = await request(ws, { type: 'identify', seq: 2, token });
  if (identified.type !== 'identified') throw new Error(`identify answered with ${identified.type}`);
}

async function connect(cmd: Extract<LoadCommand, { type: 'connect' }>): Promise<LoadReply> {
  let failed = 0;
  let firstError: string | null = null;
  let left = cmd.count;
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency, cmd.count) }, async () => {
    while (left > 0) {
      left--;
      const n = made++;
      try {
        await openVisitor(cmd, cmd.localAddresses[n % cmd.localAddresses.length]!, `${cmd.idPrefix}-${n}`);
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  }));
  return { type: 'connected', open: [...sockets].filter((ws) => ws.readyState === WebSocket.OPEN).length, failed, firstError };
}

async function drop(): Promise<LoadReply> {
  await Promise.all([...sockets].map((ws) => new Promise((resolve) => {
    ws.once('close', resolve);
    ws.close();
    // A close handshake the server never answers must not hold the run.
    setTimeout(() => (ws.terminate(), resolve(null)), 5_000).unref();
  })));
  return { type: 'dropped' };
}

if (!process.send) throw new Error('idle-visitor-load.ts runs as a forked child (see scenarios/idle-visitors.ts)');
process.on('message', (cmd: LoadCommand) => {
  void (cmd.type === 'connect' ? connect(cmd) : drop()).then((reply) => process.send!(reply));
});
process.on('disconnect', () => process.exit(0));
