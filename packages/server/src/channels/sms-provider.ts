/** Sends one SMS. Implementations: the outbox (default), and real providers later. */
export interface SmsMessageOut {
  orgId: string;
  to: string;
  body: string;
  inviteId: string | null;
}

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessageOut): Promise<{ providerId: string }>;
}
