/**
 * Every machine-readable error code Tandem returns, with its HTTP status and a default
 * message that tells the caller what to do next. One registry: the server maps domain errors
 * through it, the OpenAPI document lists it, the README's error table mirrors it (a test keeps
 * all three in step), and the typed client exposes the codes as a union type.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'The request is not valid', detail: 'Fix the fields named in `errors` and send the request again.' },
  invalid_json: { status: 400, title: 'The body is not valid JSON', detail: 'Send a JSON object with Content-Type: application/json.' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type', detail: 'Send the body as application/json.' },
  body_too_large: { status: 413, title: 'The body is too large', detail: 'Send a smaller body; the limit is given in `detail`.' },
  invalid_token: { status: 401, title: 'The access token is missing, expired or invalid',
    detail: 'Get a new token from POST /oauth/token and send it as `Authorization: Bearer <token>`.' },
  insufficient_scope:
    { status: 403, title: 'The access token lacks a scope this route needs', detail: 'Request a token with the scope named in `requiredScope`.' },
  not_found: { status: 404, title: 'No such resource', detail: 'Check the path and the id.' },
  route_not_found: { status: 404, title: 'No such route', detail: 'See /docs for the routes this server offers.' },
  method_not_allowed: { status: 405, title: 'Method not allowed', detail: 'Use one of the methods in the Allow header; see /docs.' },
  uri_too_long: { status: 414, title: 'A path segment is too long', detail: 'Ids and other path segments are at most 100 characters: check the path.' },
  headers_too_large: { status: 431, title: 'The request headers are too large', detail: 'Send fewer or smaller headers (cookies, tokens).' },
  bad_request: { status: 400, title: 'The HTTP request is malformed', detail: 'Send a well-formed HTTP/1.1 request.' },
  request_timeout: { status: 408, title: 'The request took too long to arrive', detail: 'Send the whole request (headers and body) promptly, then retry.' },
  conversation_not_found: { status: 404, title: 'No such conversation', detail: 'Create it first with PUT /v1/conversations/{id} (the dialer\'s call id).' },
  conversation_not_connected: { status: 409, title: 'The call is not connected',
    detail: 'Invites can be made only while the call is connected: PUT the conversation with state "connected" first.' },
  customer_unreachable: { status: 422, title: 'The customer cannot be reached', detail:
    'The customer has no live page and no phone number: add `customer.phone` to the conversation, or ask for the "code" channel and read the code aloud.' },
  invite_not_found: { status: 404, title: 'No such invite', detail: 'Check the invite id; invites of other organisations are not visible.' },
  session_not_found: { status: 404, title: 'No such session', detail: 'Check the session id.' },
  webhook_not_found: { status: 404, title: 'No such webhook', detail: 'Check the webhook id.' },
  deployment_not_found: { status: 404, title: 'No such deployment', detail: 'Check the deployment id or key.' },
  client_not_found: { status: 404, title: 'No such API client', detail: 'Check the client id.' },
  invalid_state:
    { status: 409, title: 'That change is not allowed in the current state', detail: 'Read the resource again; `currentState` says where it stands.' },
  consent_shown_mismatch:
    { status: 422, title: 'What the prompt showed does not match the invite',
      detail: 'The prompt the page reported names another agent, company or matching phrase than the server sent: show the prompt again from the invite the ' +
        'server sent, then ask the customer again.' },
  invalid_code:
    { status: 422, title: 'That code is not valid', detail: 'The code is wrong, used or expired. Ask the customer to read it again or to get a new one.' },
  idempotency_key_reused:
    { status: 422, title: 'This Idempotency-Key was used with another request', detail: 'Use a new Idempotency-Key for a different request body.' },
  idempotency_key_in_use:
    { status: 409, title: 'A request with this Idempotency-Key is still being processed', detail: 'Wait for the first request to finish, then retry.' },
  rate_limited: { status: 429, title: 'Too many requests', detail: 'Wait for the number of seconds in the Retry-After header, then retry.' },
  invalid_phone: { status: 422, title: 'The phone number is not valid', detail: 'Send the number in E.164 form, e.g. +14155550123.' },
  unsupported_locale: {
    status: 422,
    title: 'Tandem has no words for that language',
    detail: 'Give a BCP 47 tag whose language is one of ar, de, en, es, fi, fr, he, it, ja, nl, pl, pt, sv (e.g. "de" or "de-AT"), or null for none.',
  },
  invalid_origin:
    { status: 422, title: 'An allowed origin is not valid', detail: 'Give origins as scheme://host[:port] with no path, e.g. https://shop.example.com.' },
  invalid_request: { status: 400, title: 'The token request is malformed', detail: 'Send grant_type=client_credentials with client_id and client_secret.' },
  invalid_client:
    { status: 401, title: 'Client authentication failed', detail: 'Check client_id and client_secret; create a client with `tandem clients create`.' },
  invalid_scope: { status: 400, title: 'A requested scope is unknown or not granted to this client', detail: 'Request only the scopes this client has.' },
  unsupported_grant_type: { status: 400, title: 'Unsupported grant type', detail: 'Use grant_type=client_credentials.' },
  store_unavailable: { status: 503, title: 'The database is not reachable',
    detail: 'Retry after the number of seconds in the Retry-After header; send the same Idempotency-Key so a retried POST is not applied twice.' },
  genesys_not_linked:
    { status: 404, title: 'No Genesys Cloud org is linked', detail: 'Link one with PUT /v1/integrations/genesys (or `tandem genesys link`).' },
  genesys_credentials_rejected: { status: 422, title: 'Genesys Cloud refused the OAuth client',
    detail: 'Check the region (the domain your Genesys users sign in at) and the client id and secret of a Client Credentials OAuth client of that org.' },
  genesys_widget_not_configured:
    { status: 409, title: 'The Genesys link has no widget client',
      detail: 'PUT /v1/integrations/genesys with widgetClientId, the client id of a Token Implicit Grant OAuth client whose redirect URI is ' +
        '{PUBLIC_URL}/genesys/widget.' },
  genesys_not_participant:
    { status: 403, title: 'The signed-in Genesys user is not an agent on this call', detail: 'Open the widget from the interaction of a call you are on.' },
  genesys_unavailable:
    { status: 502, title: 'Genesys Cloud could not be reached', detail: 'Genesys did not answer or answered with an error; retry in a minute.' },
  asset_proxy_off: { status: 404, title: 'This server does not fetch assets for consoles',
    detail: 'The operator turned the asset proxy off (ASSET_PROXY=false): the replica draws a box where the page shows this asset.' },
  asset_address_refused: { status: 403, title: 'The asset\'s address is not public',
    detail: 'Tandem fetches only http(s) assets on public addresses; a self-hosted server for an intranet lists its hosts in ' +
      'ASSET_PROXY_ALLOW.' },
  asset_too_large:
    { status: 413, title: 'The asset is too large', detail: 'Assets over the size in `detail` are not fetched: the replica draws a box instead.' },
  asset_type_refused: { status: 415, title: 'The asset is not a picture, font or style sheet',
    detail: 'Only pictures and fonts (by their first bytes, never SVG) and responses served as text/css are passed on.' },
  asset_upstream_failed: { status: 502, title: 'The asset\'s server did not answer with it',
    detail: 'The asset\'s server could not be reached, answered with an error, redirected too often or answered too slowly; ' +
      'the replica draws a box.' },
  asset_limit_reached: { status: 429, title: 'This session has fetched as many assets as it may',
    detail: 'A session may fetch a bounded number of assets, a few at a time; wait for the ones under way, or the replica draws boxes for the rest.' },
  not_ready: { status: 503, title: 'The server is not ready', detail: 'The database is not reachable; retry shortly.' },
  internal_error: { status: 500, title: 'Something went wrong on our side', detail: 'Retry; if it keeps failing, send the requestId to the operator.' },
} as const satisfies Record<string, { status: number; title: string; detail: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** RFC 9457 problem details, as every error response carries them. */
export interface Problem {
  type: string;
  code: ErrorCode;
  status: number;
  title: string;
  detail: string;
  requestId?: string;
  /** Field-level problems for validation_failed. */
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://tandem.dev/errors/';

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
