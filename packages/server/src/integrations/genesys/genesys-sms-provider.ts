import { SmsSendError, type SmsFailureReason, type SmsMessageOut, type SmsProvider } from '../../channels/sms-provider.ts';
import { GenesysApiError } from './genesys-api-error.ts';
import type { GenesysClient } from './genesys-client.ts';

/** The longest SMS text the agentless messages API takes (SendAgentlessOutboundMessageRequest.textBody). */
export const GENESYS_SMS_MAX_CHARS = 765;

/** Where an organisation's SMS goes: its Genesys client and sender number; null when not linked. */
export type GenesysSmsRoute = (orgId: string) => Promise<{ client: GenesysClient; from: string | null } | null>;

/**
 * SMS through Genesys Cloud's agentless messages API (POST /api/v2/conversations/messages/agentless,
 * toAddressMessengerType sms), from the number the organisation's Genesys link names.
 */
export class GenesysSmsProvider implements SmsProvider {
  readonly name = 'genesys';
  constructor(private readonly route: GenesysSmsRoute) {}

  async send(m: SmsMessageOut): Promise<{ providerId: string; status?: string }> {
    const r = await this.route(m.orgId);
    if (!r) throw new SmsSendError('provider_config', 'SMS_PROVIDER=genesys but this organisation has no Genesys link: PUT /v1/integrations/genesys first');
    if (!r.from) throw new SmsSendError('provider_config',
      'The Genesys link has no SMS number: PUT /v1/integrations/genesys with smsFrom, a number provisioned for SMS in Genesys');
    const length = [...m.body].length;
    if (length > GENESYS_SMS_MAX_CHARS) {
      // Genesys would refuse it; saying so here names the cause instead of a bare 400.
      throw new SmsSendError('provider_rejected', `The SMS is ${length} characters; Genesys's agentless SMS takes at most ${GENESYS_SMS_MAX_CHARS}: ` +
        'shorten SMS_TEMPLATE or the deployment\'s company name');
    }
    try {
      const { id } = await r.client.sendAgentlessSms({ fromAddress: r.from, toAddress: m.to, textBody: m.body });
      return { providerId: id, status: 'accepted' };
    } catch (err) {
      if (!(err instanceof GenesysApiError)) throw err;
      throw new SmsSendError(reasonOf(err), err.message, err.retryAfterMs);
    }
  }
}

function reasonOf(e: GenesysApiError): SmsFailureReason {
  switch (e.failure) {
    case 'credentials':
    case 'forbidden':
      return 'provider_config';
    case 'rate_limited':
      return 'rate_limited';
    case 'unavailable':
      return 'provider_unavailable';
    case 'network':
      return 'network';
    default:
      // Genesys answers a bad recipient with a 400 that names toAddress; a bad sender names fromAddress.
      if (/toAddress/i.test(e.message)) return 'invalid_phone';
      if (/fromAddress/i.test(e.message)) return 'provider_config';
      return 'provider_rejected';
  }
}
