import type { Channel, Conversation } from '@tandem/protocol';
import type { InviteRecord } from '../domain/invite-record.ts';
import type { SmsMessageOut } from './sms-provider.ts';

export interface DeliveryContext {
  orgId: string;
  invite: InviteRecord;
  conversation: Conversation;
  companyName: string;
}

export interface DeliveryResult {
  /**
   * delivered: reached the customer's screen; sent: handed on (SMS); failed: did not go;
   * pending: not yet, and `retry` says when to try again.
   */
  state: 'pending' | 'sent' | 'delivered' | 'failed';
  detail?: string;
  /** With `pending` only: the next attempt, stored with the delivery so any node makes it, after a restart too. */
  retry?: { at: Date } & RetryTicket;
}

/** What a channel needs to make its next attempt: the same message (same id), and how many went before. */
export interface RetryTicket {
  message: SmsMessageOut;
  attempts: number;
}

/** One way of getting an invite to the customer. */
export interface DeliveryChannel {
  readonly name: Channel;
  /** Whether the channel can reach this customer now (used to choose channels). */
  canReach(ctx: Omit<DeliveryContext, 'invite'>): Promise<boolean>;
  deliver(ctx: DeliveryContext): Promise<DeliveryResult>;
  /** The next attempt of a delivery that was left pending (channels that retry only). */
  retry?(ticket: RetryTicket): Promise<DeliveryResult>;
}
