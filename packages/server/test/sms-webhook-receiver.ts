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
 * A company's own SMS sender on loopback. It verifies each request with the Standard Webhooks
 * library (as an integrator would), refuses bad signatures with 401, drops a repeated
 * webhook-id as a real receiver should, and answers scripted responses first.
 */
export async function startSmsWebhookReceiver(secret: string) {
  const verifier = new Webhook(secret);
  const requests: { headers: IncomingHttpHeaders; raw: string; verified: boolean }[] = [];
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
      requests.push({ headers: req.headers, raw, verified });
      const a: Answer = script.shift() ?? (verified ? { status: 202, body: '' } : { status: 401, body: { message: 'bad signature' } });
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
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
