import type { PromptInvite, VisitorServerMessage } from '@tandem/protocol';
import type { VisitorRef } from './visitor-ref.ts';

/**
 * Where customers have live pages. The visitor registry implements it for one node, the cluster
 * presence for several (pages on any node); the domain uses it to choose the push channel and to
 * reach pages after a state change.
 */
export interface Presence {
  isPresent(orgId: string, customerId: string): Promise<boolean>;
  /** Shows the prompt on every live page of the customer; returns how many pages got it. */
  pushInvite(orgId: string, customerId: string, invite: PromptInvite): Promise<number>;
  /** Whether this page is connected. */
  isConnected(visitorId: string): Promise<boolean>;
  /** Offers the invite to one page, which may then answer it; returns whether that page is connected. */
  offerToVisitor(visitorId: string, invite: PromptInvite): Promise<boolean>;
  /** The page redeemed the invite (link or code) and may answer it: its withdrawal must reach the page. */
  offered(visitor: VisitorRef, inviteId: string): Promise<void>;
  /** Sends a message to every page that was offered the invite. */
  toInvitePages(inviteId: string, message: VisitorServerMessage): Promise<void>;
  /** Sends a message to the page that holds the session. */
  toSessionPage(sessionId: string, message: VisitorServerMessage): Promise<void>;
}
