/** The `code` of a visitor socket's `error` message (visitor-messages.ts), which the SDK names to the customer. */
export const VISITOR_ERROR_CODES = [
  'identity_token_invalid',
  'identity_token_expired',
  'invite_not_found',
  'invite_not_for_you',
  'invite_not_available',
  'link_used_elsewhere',
  'invalid_code',
  'rate_limited',
  'session_not_found',
  'not_identified',
  'consent_shown_mismatch',
] as const;
export type VisitorErrorCode = (typeof VISITOR_ERROR_CODES)[number];
