import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { GenesysLink, GenesysLinkInput } from '@tandem/protocol';
import type { GenesysLinkService } from '../integrations/genesys/genesys-link-service.ts';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';

/** Linking a Genesys Cloud org: an administrator's act, under its own scope. */
export function genesysRoutes(app: FastifyInstance, links: GenesysLinkService) {
  app.put('/v1/integrations/genesys', {
    config: { scope: 'integrations:write' },
    schema: {
      tags: ['integrations'],
      summary: 'Link a Genesys Cloud org',
      description:
        'Region, a Client Credentials OAuth client of the Genesys org (tried before it is kept; the secret is never returned), the users or queues whose ' +
          'calls Tandem mirrors, and the SMS number for the `genesys` SMS provider.',
      body: GenesysLinkInput,
      response: responses({ 200: GenesysLink, 201: GenesysLink }, [422, 502]),
    },
  }, async (req, reply) => {
    const { link, created } = await links.link(orgOf(req), req.body as GenesysLinkInput, req.auth?.clientId ?? null);
    return reply.code(created ? 201 : 200).send(link);
  });

  app.get('/v1/integrations/genesys', {
    config: { scope: 'integrations:write' },
    schema: {
      tags: ['integrations'],
      summary: 'The linked Genesys Cloud org and its status (connected, connecting, degraded: why)',
      response: responses({ 200: GenesysLink }, [404]),
    },
  }, async (req) => links.get(orgOf(req)));

  app.delete('/v1/integrations/genesys', {
    config: { scope: 'integrations:write' },
    schema: { tags: ['integrations'], summary: 'Unlink the Genesys Cloud org (mirroring stops)', response: responses({ 204: Type.Null() }, [404]) },
  }, async (req, reply) => {
    await links.unlink(orgOf(req));
    return reply.code(204).send();
  });
}
