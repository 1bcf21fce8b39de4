import type { Channel, Conversation } from '@tandem/protocol';
import type { InviteRecord } from './invite-record.ts';

/** One SMS as a queued channel stores and sends it. */
export interface SmsMessageOut {
  /** Ours, made once per message and kept across retries so a receiver can drop duplicates. */
  id: string;
  orgId: string;
  /** E.164. */
  to: string;
  body: string;
  inviteId: string | null;
  createdAt: string;
}

export interface DeliveryContext {
  orgId: string;
  invite: InviteRecord;
  conversation: Conversation;
  companyName: string;
  /** The deployment's default language for its customers, when it has one. */
  deploymentLocale?: string | null;
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

/** What a queued channel needs to make its next attempt: the same message (same id), and how many went before. */
export interface RetryTicket {
  message: SmsMessageOut;
  attempts: number;
}

interface ChannelBase {
  readonly name: Channel;
  /** Whether the channel can reach this customer now (used to choose channels). */
  canReach(ctx: Omit<DeliveryContext, 'invite'>): Promise<boolean>;
}

/** Delivers at once, while the invite is created (push, code). */
export interface DirectChannel extends ChannelBase {
  deliver(ctx: DeliveryContext): Promise<DeliveryResult>;
}

/**
 * Delivers through a queue in the database (sms): the message is made and stored in the invite's
 * transaction, so a crash before, during or between attempts leaves it to be sent again, with
 * the same id, by whichever node runs the queue.
 */
export interface QueuedChannel extends ChannelBase {
  /** The message to send, or a result when there is nothing to send (no valid number). Pure: it runs in a transaction. */
  prepare(ctx: DeliveryContext): { ticket: RetryTicket } | { result: DeliveryResult };
  /** One attempt; a pending result says when to make the next. */
  send(ticket: RetryTicket): Promise<DeliveryResult>;
}

/** One way of getting an invite to the customer. */
export type DeliveryChannel = DirectChannel | QueuedChannel;
