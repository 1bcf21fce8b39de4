import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as it arrived. */
  raw: Buffer;
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface TwilioMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
}

export const TEST_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TEST_AUTH_TOKEN = 'test-auth-token-f00d';

/** Twilio's error body shape, e.g. twilioError(400, 21211, "The 'To' number ... is not valid"). */
export const twilioError = (status: number, code: number, message: string): Answer => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

/**
 * The Messages API on loopback, as strict as the real one about what a create looks like: it
 * keeps every request byte for byte, takes well-formed ones as queued messages, and answers
 * scripted responses first when a test queued some. Like Twilio's test credentials, To
 * +15005550001 is an invalid number (21211) and +15005550009 not a mobile (21614).
 */
export async function startFakeTwilio(accountSid = TEST_ACCOUNT_SID, authToken = TEST_AUTH_TOKEN) {
  const requests: RawRequest[] = [];
  const accepted: TwilioMessage[] = [];
  const script: Answer[] = [];

  const handle = (req: RawRequest): Answer => {
    const next = script.shift();
    if (next) return next;
    if (req.method !== 'POST' ||
      req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) return twilioError(404, 20404, 'The requested resource was not found');
    if (req.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`) return twilioError(401, 20003, 'Authenticate');
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return twilioError(400, 20001, 'Unsupported content type');
    const form = new URLSearchParams(req.raw.toString('utf8'));
    const to = form.get('To');
    const body = form.get('Body');
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!form.get('From') &&
      !form.get('MessagingServiceSid')) return twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
    if (!body) return twilioError(400, 21602, 'Message body is required.');
    if (to === '+15005550001') return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (to === '+15005550009') return twilioError(400, 21614, `'To' number ${to} is not a valid mobile number`);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    accepted.push({ sid, to, from: form.get('From'), messagingServiceSid: form.get('MessagingServiceSid'), body });
    return { status: 201,
      body: { sid, account_sid: accountSid, to, from: form.get('From'), body, status: 'queued', num_segments: '1', error_code: null, error_message: null } };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: RawRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) };
      requests.push(r);
      const a = handle(r);
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    /** The next requests get these answers, in order, whatever they carry. */
    answerNext(...answers: Answer[]) {
      script.push(...answers);
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
