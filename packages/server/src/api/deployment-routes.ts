import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Deployment, DeploymentCreate, DeploymentCreated, DeploymentUpdate } from '@tandem/protocol';
import { orgOf } from './auth-hook.ts';
import { responses } from './route-schema.ts';
import type { Services } from '../wiring/services.ts';

export function deploymentRoutes(app: FastifyInstance, s: Services) {
  app.post('/v1/deployments', {
    config: { scope: 'deployments:write', idempotent: true },
    schema: {
      tags: ['deployments'],
      summary: 'Register a site that embeds the SDK',
      description:
        'Returns the public key for the script tag and the identity secret your backend signs identity tokens with (HS256, sub = customer id). The secret is ' +
          'shown only here.',
      body: DeploymentCreate,
      response: responses({ 201: DeploymentCreated }, [422]),
    },
  }, async (req, reply) => reply.code(201).send(await s.deployments.create(orgOf(req), req.body as never)));

  app.patch('/v1/deployments/:id', {
    config: { scope: 'deployments:write' },
    schema: {
      tags: ['deployments'],
      summary: 'Change a deployment: its name, company name, allowed origins or its customers\' default language',
      description: 'Only the fields given change. `locale: null` removes the default language. '
        + 'Pages that connect after the change get the new settings (within 30 s on every node).',
      params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
      body: DeploymentUpdate,
      response: responses({ 200: Deployment }, [404, 422]),
    },
  }, async (req) => s.deployments.update(orgOf(req), (req.params as { id: string }).id, req.body as never));

  app.get('/v1/deployments', {
    config: { scope: 'deployments:write' },
    schema: { tags: ['deployments'], summary: 'List deployments',
      response: responses({ 200: Type.Object({ data: Type.Array(Deployment), nextCursor: Type.Null() }) }) },
  }, async (req) => ({ data: await s.deployments.list(orgOf(req)), nextCursor: null }));
}
