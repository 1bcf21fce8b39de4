import type { Channel, Conversation } from '@tandem/protocol';
import type { InviteRecord } from '../domain/invite-record.ts';

export interface DeliveryContext {
  orgId: string;
  invite: InviteRecord;
  conversation: Conversation;
  companyName: string;
}

export interface DeliveryResult {
  /**
   * delivered: reached the customer's screen; sent: handed on (SMS); failed: did not go;
   * pending: not yet, still being tried, and `settled` gives the final word.
   */
  state: 'pending' | 'sent' | 'delivered' | 'failed';
  detail?: string;
  /** With `pending` only: resolves (never rejects) to the final sent, delivered or failed result. */
  settled?: Promise<DeliveryResult>;
}

/** One way of getting an invite to the customer. */
export interface DeliveryChannel {
  readonly name: Channel;
  /** Whether the channel can reach this customer now (used to choose channels). */
  canReach(ctx: Omit<DeliveryContext, 'invite'>): Promise<boolean>;
  deliver(ctx: DeliveryContext): Promise<DeliveryResult>;
}
