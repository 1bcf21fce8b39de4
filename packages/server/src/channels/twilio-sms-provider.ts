import { SmsSendError, networkError, retryAfterMs, type SmsFailureReason, type SmsMessageOut, type SmsProvider } from './sms-provider.ts';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio number, short code or alphanumeric sender id; or send through a Messaging Service. */
  sender: { from: string } | { messagingServiceSid: string };
  /** https://api.twilio.com; tests point it at a local server. */
  baseUrl: string;
  timeoutMs: number;
}

// Twilio error codes (https://www.twilio.com/docs/api/errors) that say something about the
// message rather than the moment; everything else 4xx is provider_rejected, 5xx is retried.
const TWILIO_CODES: Record<number, SmsFailureReason> = {
  21211: 'invalid_phone', // 'To' is not a valid phone number
  21614: 'invalid_phone', // 'To' is not a mobile number
  21217: 'invalid_phone', // phone number does not appear to be valid
  21401: 'invalid_phone', // invalid phone number
  21407: 'invalid_phone', // this phone number type does not support SMS
  21610: 'opted_out', // the recipient replied STOP
  20003: 'provider_config', // authentication failed
  20404: 'provider_config', // no such account or resource (wrong SID)
  21606: 'provider_config', // 'From' is not a Twilio number that can send SMS
  21212: 'provider_config', // invalid 'From'
  21659: 'provider_config', // 'From' is not a Twilio number
  21703: 'provider_config', // the Messaging Service has no senders
  20429: 'rate_limited', // too many requests
};

interface TwilioError {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/** The Twilio Messages API: one form-encoded POST per message, HTTP Basic auth with the account. */
export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio';
  constructor(private readonly opts: TwilioOptions) {}

  async send(m: SmsMessageOut): Promise<{ providerId: string; status?: string }> {
    const { accountSid, authToken, sender, baseUrl, timeoutMs } = this.opts;
    const form = new URLSearchParams();
    form.set('To', m.to);
    if ('from' in sender) form.set('From', sender.from);
    else form.set('MessagingServiceSid', sender.messagingServiceSid);
    form.set('Body', m.body);
    let res: Response;
    try {
      res = await fetch(`${baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw networkError('Twilio', err, timeoutMs);
    }
    const text = await res.text().catch(() => '');
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // A proxy's HTML error page; the status alone decides.
    }
    if (res.ok) {
      const sid = typeof json.sid === 'string' ? json.sid : null;
      const status = typeof json.status === 'string' ? json.status : undefined;
      if (!sid) throw new SmsSendError('provider_rejected', `Twilio answered ${res.status} without a message sid`);
      if (status === 'failed' || status === 'undelivered') throw new SmsSendError('provider_rejected', `Twilio took message ${sid} but marked it ${status}`);
      return { providerId: sid, status };
    }
    throw twilioError(res, json as TwilioError);
  }
}

function twilioError(res: Response, body: TwilioError): SmsSendError {
  const code = typeof body.code === 'number' ? body.code : null;
  const what = `Twilio ${code ?? res.status}${body.message ? `: ${body.message}` : ''}`;
  const wait = retryAfterMs(res.headers.get('retry-after'));
  const known = code !== null ? TWILIO_CODES[code] : undefined;
  if (known) return new SmsSendError(known, known === 'provider_config' ? `${what} (check the TWILIO_* settings)` : what, wait);
  if (res.status === 429) return new SmsSendError('rate_limited', what, wait);
  if (res.status >= 500 || res.status === 408) return new SmsSendError('provider_unavailable', what, wait);
  if (res.status === 401 || res.status === 403) return new SmsSendError('provider_config', `${what} (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)`);
  return new SmsSendError('provider_rejected', what);
}
