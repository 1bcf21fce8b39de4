import { Type, type Static } from '@sinclair/typebox';

const Strict = { additionalProperties: false } as const;
const GenesysId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$', description: 'A Genesys Cloud id (a UUID)' });

export const GenesysWidgetGrant = Type.Union([Type.Literal('pkce'), Type.Literal('implicit')], {
  description: 'How agents sign in on the widget page: "pkce" (authorization code with PKCE; a Code Authorization client, the default) or "implicit" ' +
    '(a Token Implicit Grant client). Kept when left out.',
});
export type GenesysWidgetGrant = Static<typeof GenesysWidgetGrant>;

/** PUT /v1/integrations/genesys: link (or re-link) the organisation's Genesys Cloud org. */
export const GenesysLinkInput = Type.Object(
  {
    region: Type.String(
      { minLength: 3, maxLength: 64, description: 'The domain the Genesys users sign in at, e.g. mypurecloud.com, usw2.pure.cloud, mypurecloud.ie' }),
    clientId: Type.String({ minLength: 1, maxLength: 128, description: 'Client id of a Client Credentials OAuth client of the Genesys org' }),
    clientSecret: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'Its secret; required on the first PUT, kept when left out later. Never returned.' })),
    follow: Type.Object(
      {
        users: Type.Optional(Type.Array(GenesysId, { maxItems: 500, uniqueItems: true, description: 'Genesys user ids (agents) whose calls Tandem mirrors' })),
        queues: Type.Optional(Type.Array(GenesysId, { maxItems: 500, uniqueItems: true, description: 'Genesys queue ids whose calls Tandem mirrors' })),
      },
      Strict,
    ),
    smsFrom: Type.Optional(Type.Union([Type.String({ maxLength: 32, description: 'An SMS number provisioned in the Genesys org, E.164' }), Type.Null()])),
    widgetClientId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128,
      description: 'Client id of the browser OAuth client agents sign in with on the interaction widget page (no secret)' }), Type.Null()])),
    widgetGrant: Type.Optional(GenesysWidgetGrant),
  },
  Strict,
);
export type GenesysLinkInput = Static<typeof GenesysLinkInput>;

export const GenesysLink = Type.Object({
  region: Type.String(),
  apiBaseUrl: Type.String(),
  loginBaseUrl: Type.String(),
  clientId: Type.String(),
  clientSecretSet: Type.Boolean(),
  follow: Type.Object({ users: Type.Array(Type.String()), queues: Type.Array(Type.String()) }),
  smsFrom: Type.Union([Type.String(), Type.Null()]),
  widgetClientId: Type.Union([Type.String(), Type.Null()]),
  widgetGrant: GenesysWidgetGrant,
  widgetUrl: Type.String({ description: 'The URL to give the Genesys Interaction Widget integration (its template fills in the conversation id)' }),
  status: Type.String({ description: '"connected", "connecting", or "degraded: <why>"' }),
  statusSince: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type GenesysLink = Static<typeof GenesysLink>;
