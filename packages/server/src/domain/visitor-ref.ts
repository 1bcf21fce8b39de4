/** A customer's page as the domain sees it: who it is, what it was offered. */
export interface VisitorRef {
  visitorId: string;
  orgId: string;
  deploymentId: string;
  companyName: string;
  /** The deployment's default language for its customers, told to the page in `welcome`. */
  locale?: string | null;
  /** Set once the page identified with a valid identity token. */
  customerId: string | null;
  userAgent: string | null;
  ip: string | null;
  /** Invites this page may open or answer: pushed to it, or redeemed by link or code. */
  offered: Set<string>;
  /** Sessions this page holds: accepted here, or resumed here with the session's capture token. */
  sessions: Set<string>;
}
