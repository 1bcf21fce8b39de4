import type { Config } from '../config.ts';
import type { ClientService } from '../auth/client-service.ts';
import type { TokenService } from '../auth/token-service.ts';
import type { SmsOutbox } from '../channels/sms-outbox.ts';
import type { ConversationService } from '../domain/conversation-service.ts';
import type { DeploymentService } from '../domain/deployment-service.ts';
import type { Deps } from '../domain/deps.ts';
import type { InviteService } from '../domain/invite-service.ts';
import type { RateLimiter } from '../domain/rate-limiter.ts';
import type { SessionService } from '../domain/session-service.ts';
import type { SupportCodeService } from '../domain/support-code-service.ts';
import type { CodeGuard } from '../domain/code-guard.ts';
import type { WebhookService } from '../events/webhook-service.ts';
import type { EventReader } from '../events/event-reader.ts';
import type { ReceiptKeys } from '../auth/receipt-keys.ts';
import type { ConsentReceipts } from '../domain/consent-receipts.ts';

/** Everything a route may call: the domain, never the store directly. */
export interface Services extends Deps {
  /** The edges read the whole configuration; the domain only its DomainSettings. */
  config: Config;
  clients: ClientService;
  tokens: TokenService;
  conversations: ConversationService;
  invites: InviteService;
  sessions: SessionService;
  deployments: DeploymentService;
  webhooks: WebhookService;
  eventLog: EventReader;
  smsOutbox: SmsOutbox;
  supportCodes: SupportCodeService;
  rateLimiter: RateLimiter;
  codeGuard: CodeGuard;
  receipts: ConsentReceipts;
  receiptKeys: ReceiptKeys;
  /** Resolves once the store answers a trivial query (GET /readyz). */
  probeStore(): Promise<void>;
}
