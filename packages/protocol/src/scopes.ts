/** OAuth scopes an API client may hold; each route names the one it needs. */
export const SCOPES = [
  'conversations:write',
  'invites:write',
  'sessions:read',
  'sessions:write',
  'events:read',
  'webhooks:write',
  'agents:token',
  'deployments:write',
  'integrations:write',
] as const;

export type Scope = (typeof SCOPES)[number];
