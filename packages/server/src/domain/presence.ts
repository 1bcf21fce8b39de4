import type { PromptInvite, VisitorServerMessage } from '@tandem/protocol';

/**
 * Where customers have live pages. The visitor gateway implements it; the domain uses it to
 * choose the push channel and to reach pages after a state change.
 */
export interface Presence {
  isPresent(orgId: string, customerId: string): Promise<boolean>;
  /** Shows the prompt on every live page of the customer; returns how many pages got it. */
  pushInvite(orgId: string, customerId: string, invite: PromptInvite): Promise<number>;
  /** Sends a message to one page; returns whether that page is connected. */
  toVisitor(visitorId: string, message: VisitorServerMessage): Promise<boolean>;
  /** Sends a message to every page that was offered the invite. */
  toInvitePages(inviteId: string, message: VisitorServerMessage): Promise<void>;
  /** Sends a message to the page that holds the session. */
  toSessionPage(sessionId: string, message: VisitorServerMessage): Promise<void>;
}
