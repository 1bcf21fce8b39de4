import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import type { Answer } from './fake-twilio.ts';

export interface SmsWebhookMessage {
  id: string;
  to: string;
  body: string;
  inviteId: string | null;
  createdAt: string;
}

/**
 * How the sender behaves: `up` answers (scripted answers first), `down` answers 503 (an outage),
 * `hang` never answers (the request is still in flight when Tandem dies).
 */
export type SmsReceiverMode = 'up' | 'down' | 'hang';

/**
 * A company's own SMS sender on loopback. It verifies each request with the Standard Webhooks
 * library (as an integrator would), refuses bad signatures with 401, drops a repeated
 * webhook-id as a real receiver should, and answers scripted responses first.
 */
export async function startSmsWebhookReceiver(secret: string) {
  const verifier = new Webhook(secret);
  let mode: SmsReceiverMode = 'up';
  /** Every request with the status it was answered (null: never answered) and when it arrived. */
  const requests: { headers: IncomingHttpHeaders; raw: string; verified: boolean; status: number | null; at: number }[] = [];
  const accepted: SmsWebhookMessage[] = [];
  const script: Answer[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let verified = false;
      try {
        verifier.verify(raw, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const entry = { headers: req.headers, raw, verified, status: null as number | null, at: Date.now() };
      requests.push(entry);
      if (mode === 'hang') return;
      const a: Answer = mode === 'down' ? { status: 503, body: { message: 'down for maintenance' } }
        : script.shift() ?? (verified ? { status: 202, body: '' } : { status: 401, body: { message: 'bad signature' } });
      entry.status = a.status;
      if (a.status >= 200 && a.status < 300 && verified) {
        const m = JSON.parse(raw) as SmsWebhookMessage;
        if (!accepted.some((x) => x.id === m.id)) accepted.push(m);
      }
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/sms`,
    requests,
    accepted,
    answerNext(...answers: Answer[]) {
      script.push(...answers);
    },
    setMode(m: SmsReceiverMode) {
      mode = m;
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
