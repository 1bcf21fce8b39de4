import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import pino, { type Logger } from 'pino';
import { ERROR_CODES, ProblemSchema, SCOPES } from '@tandem/protocol';
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import { openDb } from './store/open-db.ts';
import type { Bus } from './bus/bus.ts';
import { createMemoryBus } from './bus/memory-bus.ts';
import { createRedisBus } from './bus/redis-bus.ts';
import { ClientService } from './auth/client-service.ts';
import { ClientStatus } from './auth/client-status.ts';
import { loadSigningKeys } from './auth/signing-keys.ts';
import { TokenService } from './auth/token-service.ts';
import { SmsOutbox } from './channels/sms-outbox.ts';
import { pushChannel } from './channels/push-channel.ts';
import { smsChannelFromConfig } from './channels/sms-provider-factory.ts';
import { codeChannel } from './channels/code-channel.ts';
import { ConversationService } from './domain/conversation-service.ts';
import { DeploymentService } from './domain/deployment-service.ts';
import { orgEventsTopic, type Deps } from './domain/deps.ts';
import { startTimerSweeper } from './domain/timer-sweeper.ts';
import { newId } from './domain/ids.ts';
import { InviteService } from './domain/invite-service.ts';
import { createMemoryRateLimiter } from './domain/rate-limiter.ts';
import { SessionService } from './domain/session-service.ts';
import { SupportCodeService } from './domain/support-code-service.ts';
import { CodeGuard } from './domain/code-guard.ts';
import { WebhookDispatcher } from './events/webhook-dispatcher.ts';
import { WebhookService } from './events/webhook-service.ts';
import { webhookFetch } from './events/webhook-destination-guard.ts';
import { installAuth } from './api/auth-hook.ts';
import { installIdempotency } from './api/idempotency.ts';
import { createMetrics, installRequestMetrics } from './api/metrics.ts';
import { installErrorHandling } from './api/problem.ts';
import type { Services } from './api/services.ts';
import { oauthRoutes } from './api/oauth-routes.ts';
import { conversationRoutes } from './api/conversation-routes.ts';
import { codeAttemptRoutes, inviteRoutes } from './api/invite-routes.ts';
import { sessionRoutes } from './api/session-routes.ts';
import { eventRoutes } from './api/event-routes.ts';
import { webhookRoutes } from './api/webhook-routes.ts';
import { deploymentRoutes } from './api/deployment-routes.ts';
import { agentTokenRoutes } from './api/agent-token-routes.ts';
import { smsRoutes } from './api/sms-routes.ts';
import { opsRoutes } from './api/ops-routes.ts';
import { linkRoutes } from './api/link-routes.ts';
import { VisitorGateway, VISITOR_PATH } from './realtime/visitor-gateway.ts';
import { CaptureGateway, CAPTURE_PATH } from './realtime/capture-gateway.ts';
import { AgentGateway, AGENT_PATH } from './realtime/agent-gateway.ts';
import { RelayRegistry } from './realtime/relay-registry.ts';
import { bundleRoutes } from './api/bundle-routes.ts';
import { VisitorRegistry } from './realtime/visitor-registry.ts';
import { eventWebhooks } from './api/event-docs.ts';

export interface BuildOptions {
  config: Config;
  /** An open, migrated database; opened from config when absent (and then closed with the app). */
  db?: Db;
  logger?: Logger;
  /** SSE heartbeat interval; tests shorten it. */
  heartbeatMs?: number;
}

export interface TandemApp {
  app: FastifyInstance;
  services: Services;
  /** Set on the first start only: the first API client's credentials, to print once. */
  bootstrap: { clientId: string; clientSecret: string; orgId: string } | null;
  /** Starts listening; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Builds the whole server from config: stores, bus, channels, domain, routes, sockets. */
export async function buildApp(opts: BuildOptions): Promise<TandemApp> {
  const { config } = opts;
  const log = opts.logger ?? pino({ level: config.logLevel });
  const ownDb = !opts.db;
  const db = opts.db ?? (await openDb(config));
  const bus: Bus = config.redisUrl ? await createRedisBus(config.redisUrl, (err) => log.warn({ err }, 'redis bus error')) : createMemoryBus();
  const deps: Deps = { config, db, bus, log };

  const clients = new ClientService(db);
  const boot = await clients.bootstrap();
  const tokens = new TokenService(await loadSigningKeys(db), new ClientStatus(db));
  const registry = new VisitorRegistry();
  const deployments = new DeploymentService(db);
  const smsOutbox = new SmsOutbox(db);
  const sessions = new SessionService(deps, registry);
  const invites = new InviteService(deps, [pushChannel(registry), smsChannelFromConfig(config, smsOutbox), codeChannel], deployments, registry, sessions);
  const conversations = new ConversationService(deps, {
    async onCallEnded(tx, orgId, conversationId) {
      await invites.revokeLiveForConversation(tx, orgId, conversationId);
      await sessions.endForConversation(tx, orgId, conversationId);
    },
  });
  const rateLimiter = createMemoryRateLimiter();
  const codeGuard = new CodeGuard(deps, rateLimiter);
  const services: Services = {
    ...deps, clients, tokens, conversations, invites, sessions, deployments, smsOutbox, rateLimiter,
    webhooks: new WebhookService(db, config.webhookAllowPrivate),
    codeGuard,
    supportCodes: new SupportCodeService(deps, invites, codeGuard, rateLimiter),
  };
  const metrics = createMetrics();

  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => newId('req'),
    // Unknown fields are an error, not silently dropped; types are not coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  await app.register(formbody);
  await app.register(cors, { origin: config.corsOrigins.includes('*') ? true : config.corsOrigins, exposedHeaders: ['x-request-id', 'retry-after'] });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tandem API',
        version: '1.0.0',
        description: `Co-browsing for outbound calls. Errors are application/problem+json with a stable \`code\`: ${Object.keys(ERROR_CODES).join(', ')}.`,
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: Object.fromEntries(SCOPES.map((s) => [s, s])) } } },
        },
        schemas: { Problem: ProblemSchema as never },
      },
      webhooks: eventWebhooks(),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installErrorHandling(app);
  installAuth(app, tokens);
  installIdempotency(app, db, { leaseMs: config.idempotencyLeaseMs });
  installRequestMetrics(app, metrics);

  oauthRoutes(app, services);
  conversationRoutes(app, services);
  inviteRoutes(app, services);
  codeAttemptRoutes(app, services);
  sessionRoutes(app, services);
  const shutdown = new AbortController();
  eventRoutes(app, services, { heartbeatMs: opts.heartbeatMs ?? 15_000, shutdown: shutdown.signal });
  webhookRoutes(app, services);
  deploymentRoutes(app, services);
  agentTokenRoutes(app, services);
  smsRoutes(app, services);
  opsRoutes(app, services, metrics);
  linkRoutes(app, services);
  bundleRoutes(app);

  const gateway = new VisitorGateway(services, registry, metrics);
  const relays = new RelayRegistry();
  await relays.listen(bus);
  const capture = new CaptureGateway(services, relays, metrics, { resumeWindowMs: config.resumeWindowMs, framesPerSecond: config.captureFramesPerSecond });
  const agents = new AgentGateway(services, relays);
  app.server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === VISITOR_PATH) return gateway.handleUpgrade(req, socket, head);
    if (path === CAPTURE_PATH) return capture.handleUpgrade(req, socket, head);
    if (path === AGENT_PATH) return agents.handleUpgrade(req, socket, head);
    socket.destroy();
  });

  const dispatcher = new WebhookDispatcher(db, log, { maxAttempts: config.webhookMaxAttempts, retryScheduleMs: config.webhookRetryScheduleMs, fetch: webhookFetch(config.webhookAllowPrivate) });
  let stopSweeper: (() => Promise<void>) | null = null;
  const unsubscribers: (() => Promise<void>)[] = [];
  let closed = false;

  return {
    app,
    services,
    bootstrap: boot ? { clientId: boot.client.id, clientSecret: boot.secret, orgId: boot.orgId } : null,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      if (config.port === 0) {
        // A random test port: links and console URLs must point at the real one.
        config.publicUrl = `http://${config.host}:${port}`;
      }
      dispatcher.start();
      const orgs = await db.query<{ id: string }>('SELECT id FROM orgs');
      for (const o of orgs) unsubscribers.push(await bus.subscribe(orgEventsTopic(o.id), () => dispatcher.wake()));
      stopSweeper = startTimerSweeper([
        { name: 'invite expiry', run: () => invites.expireDue() },
        { name: 'resume window', run: () => sessions.endAbandoned((id) => capture.holds(id)) },
        { name: 'sms retry', run: () => invites.retryDueDeliveries() },
        { name: 'support code expiry', run: () => services.supportCodes.sweepExpired() },
      ], log, config.sweepIntervalMs);
      return `http://${config.host}:${port}`;
    },
    async close() {
      if (closed) return;
      closed = true;
      shutdown.abort();
      gateway.closeAll();
      capture.closeAll();
      agents.closeAll();
      await relays.close();
      await stopSweeper?.();
      await dispatcher.stop();
      for (const u of unsubscribers) await u();
      await app.close();
      await bus.close();
      if (ownDb) await db.close();
    },
  };
}
