import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ExternalId, GenesysWidgetGrant } from '@tandem/protocol';
import type { AgentSignIn, GenesysWidgetService } from '../integrations/genesys/genesys-widget-service.ts';
import { responses } from './route-schema.ts';

const WIDGET_DIR = new URL('../integrations/genesys/widget/', import.meta.url);
// Only our own script runs; it talks to Tandem and navigates to the Genesys login and the console.
const WIDGET_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/**
 * The page a Genesys Cloud Interaction Widget integration opens inside the agent's interaction
 * panel. Public routes: the agent's own Genesys token, checked with Genesys, is the credential.
 */
export function genesysWidgetRoutes(app: FastifyInstance, widget: GenesysWidgetService) {
  app.get('/genesys/widget', {
    schema: { tags: ['integrations'], summary: 'Interaction Widget page: ?org={tandem org}&conversationId={{gcConversationId}}; also the OAuth redirect URI',
      response: { 200: Type.String() } },
  }, async (_req, reply) => reply.headers({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': WIDGET_CSP, 'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache' }).send(await readFile(new URL('genesys-widget.html', WIDGET_DIR))));

  app.get('/genesys/widget.js', {
    schema: { tags: ['integrations'], summary: 'The widget page\'s script', response: { 200: Type.String() } },
  }, async (_req, reply) => reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).send(
    await readFile(new URL('genesys-widget.js', WIDGET_DIR))));

  app.get('/genesys/widget/config', {
    schema: {
      tags: ['integrations'],
      summary: 'Where the widget page signs the agent in (the Genesys login host and browser client id)',
      querystring: Type.Object({ org: ExternalId }, { additionalProperties: false }),
      response: responses({ 200: Type.Object({ loginBaseUrl: Type.String(), clientId: Type.String(), grant: GenesysWidgetGrant }) }, [404, 409]),
    },
  }, async (req) => widget.loginFor((req.query as { org: string }).org));

  app.post('/genesys/widget/session', {
    schema: {
      tags: ['integrations'],
      summary: 'Trade the agent\'s Genesys sign-in (a PKCE code and its verifier, or an implicit-grant token) for a Tandem console of that call, ' +
        'once Genesys shows the agent is on it',
      body: Type.Union([
        Type.Object({ org: ExternalId, conversationId: ExternalId, code: Type.String({ minLength: 1, maxLength: 2048 }),
          codeVerifier: Type.String({ minLength: 43, maxLength: 128, pattern: '^[A-Za-z0-9._~-]+$' }),
          redirectUri: Type.String({ maxLength: 2048, pattern: '^https?://[^#?]+/genesys/widget$' }) }, { additionalProperties: false }),
        Type.Object({ org: ExternalId, conversationId: ExternalId, accessToken: Type.String({ minLength: 1, maxLength: 4096 }) },
          { additionalProperties: false }),
      ]),
      response: responses({ 200: Type.Object(
        { consoleUrl: Type.String(), agent: Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }) }) }, [404, 409, 502]),
    },
  }, async (req) => {
    const { org, conversationId, ...signIn } = req.body as { org: string; conversationId: string } & AgentSignIn;
    return widget.consoleFor(org, conversationId, signIn);
  });
}
