import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import pino, { type Logger } from 'pino';
import { ERROR_CODES, ProblemSchema, SCOPES } from '@tandem/protocol';
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import { openDb } from './wiring/open-db.ts';
import type { Bus } from './bus/bus.ts';
import { createMemoryBus } from './bus/memory-bus.ts';
import { createRedisBus } from './bus/redis-bus.ts';
import { ClientService } from './auth/client-service.ts';
import { ClientStatus } from './auth/client-status.ts';
import { loadSigningKeys } from './auth/signing-keys.ts';
import { ReceiptKeys } from './auth/receipt-keys.ts';
import { ConsentReceipts } from './domain/consent-receipts.ts';
import { receiptRoutes } from './api/receipt-routes.ts';
import { TokenService } from './auth/token-service.ts';
import { SmsOutbox } from './channels/sms-outbox.ts';
import { pushChannel } from './channels/push-channel.ts';
import { smsChannelFromConfig } from './wiring/sms-provider-factory.ts';
import { codeChannel } from './channels/code-channel.ts';
import { ConversationService } from './domain/conversation-service.ts';
import { DeploymentService } from './domain/deployment-service.ts';
import type { Deps } from './domain/deps.ts';
import { orgEventsTopic } from './shared/topics.ts';
import { startTimerSweeper } from './domain/timer-sweeper.ts';
import { newId } from './shared/ids.ts';
import { InviteService } from './domain/invite-service.ts';
import { createMemoryRateLimiter } from './domain/rate-limiter.ts';
import { SessionService } from './domain/session-service.ts';
import { SupportCodeService } from './domain/support-code-service.ts';
import { CodeGuard } from './domain/code-guard.ts';
import { WebhookDispatcher } from './events/webhook-dispatcher.ts';
import { WebhookService } from './events/webhook-service.ts';
import { EventReader } from './events/event-reader.ts';
import { listOrgIds } from './events/event-log.ts';
import { storeAnswers } from './store/probe.ts';
import { webhookFetch } from './events/webhook-destination-guard.ts';
import { installAuth } from './api/auth-hook.ts';
import { installRouteMetadata } from './api/route-metadata.ts';
import { installIdempotency } from './api/idempotency.ts';
import { IdempotencyKeys } from './domain/idempotency-record.ts';
import { createMetrics, installRequestMetrics } from './wiring/metrics.ts';
import { clientErrorProblem, frameworkProblem, installErrorHandling } from './api/problem.ts';
import { installTextGuard } from './api/text-guard.ts';
import type { Services } from './wiring/services.ts';
import { oauthRoutes } from './api/oauth-routes.ts';
import { assetRoutes } from './api/asset-routes.ts';
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
import { RelayCluster } from './realtime/relay-cluster.ts';
import { bundleRoutes } from './api/bundle-routes.ts';
import { VisitorRegistry } from './realtime/visitor-registry.ts';
import type { Presence } from './domain/presence.ts';
import { openCluster } from './cluster/cluster.ts';
import { eventWebhooks } from './api/event-docs.ts';
import { SocketAdmission, type SocketKind } from './realtime/socket-admission.ts';
import { createMemorySocketCounts } from './realtime/socket-counts.ts';
import { proxyTrust } from './realtime/source-address.ts';
import { genesysRoutes } from './api/genesys-routes.ts';
import { genesysWidgetRoutes } from './api/genesys-widget-routes.ts';
import { GenesysWidgetService } from './integrations/genesys/genesys-widget-service.ts';
import { GenesysLinkStore } from './integrations/genesys/genesys-link-store.ts';
import { GenesysLinkService } from './integrations/genesys/genesys-link-service.ts';
import { createGenesysMetrics } from './integrations/genesys/genesys-metrics.ts';
import { genesysSmsRoutes } from './integrations/genesys/genesys-sms-routes.ts';
import { GenesysSupervisor } from './integrations/genesys/genesys-supervisor.ts';

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
  const db = opts.db ?? (await openDb(config, log));
  const bus: Bus = config.redisUrl ? await createRedisBus(config.redisUrl, { commandTimeoutMs: config.redisCommandTimeoutMs, log }) : createMemoryBus();
  const deps = { config, db, bus, log } satisfies Deps;

  const clients = new ClientService(db);
  const boot = await clients.bootstrap();
  const tokens = new TokenService(await loadSigningKeys(db), new ClientStatus(db));
  const registry = new VisitorRegistry();
  const node = newId('node');
  const cluster = config.redisUrl
    ? await openCluster(config.redisUrl, bus, registry, { node, ttlMs: config.presenceTtlMs, commandTimeoutMs: config.redisCommandTimeoutMs, log })
    : null;
  const presence: Presence = cluster?.presence ?? registry;
  const deployments = new DeploymentService(db);
  const smsOutbox = new SmsOutbox(db);
  const genesysStore = new GenesysLinkStore(db);
  const receiptKeys = new ReceiptKeys(db);
  const receipts = new ConsentReceipts(db, receiptKeys, config);
  const sessions = new SessionService(deps, presence, receipts);
  const sms = smsChannelFromConfig(config, smsOutbox, genesysSmsRoutes(genesysStore, config.genesys.timeoutMs));
  const invites = new InviteService(deps, [pushChannel(presence), sms, codeChannel], deployments, presence, sessions);
  const conversations = new ConversationService(deps, {
    async onCallEnded(tx, orgId, conversationId) {
      await invites.revokeLiveForConversation(tx, orgId, conversationId);
      await sessions.endForConversation(tx, orgId, conversationId);
    },
  });
  const rateLimiter = cluster?.rateLimiter ?? createMemoryRateLimiter();
  const codeGuard = new CodeGuard(deps, rateLimiter);
  const services: Services = {
    ...deps, clients, tokens, conversations, invites, sessions, deployments, smsOutbox, rateLimiter,
    webhooks: new WebhookService(db, config.webhookAllowPrivate),
    eventLog: new EventReader(deps),
    probeStore: () => storeAnswers(db),
    codeGuard, receipts, receiptKeys,
    supportCodes: new SupportCodeService(deps, invites, codeGuard, rateLimiter, presence, deployments),
  };
  const metrics = createMetrics();
  const trust = proxyTrust(config.trustProxy);
  const genesys = new GenesysSupervisor(genesysStore,
    { store: genesysStore, conversations, config: config.genesys, log, metrics: createGenesysMetrics(metrics.registry), node });

  const app: FastifyInstance = Fastify({
    // One trust function for HTTP (request.ip) and WebSocket upgrades (socket caps, code guard).
    trustProxy: trust,
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => newId('req'),
    // Unknown fields are an error, not silently dropped; types are not coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // Faults found before any route (bad URL encoding, an over-long path segment, unparsable
    // HTTP) are problem+json like every other error.
    frameworkErrors: frameworkProblem,
    clientErrorHandler: clientErrorProblem,
  });
  // First: it writes each route's OpenAPI security from its scope, for routes added after it.
  installRouteMetadata(app);
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
  installTextGuard(app);
  installAuth(app, tokens);
  installIdempotency(app, new IdempotencyKeys(db), { leaseMs: config.idempotencyLeaseMs });
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
  assetRoutes(app, services);
  smsRoutes(app, services);
  opsRoutes(app, services, metrics);
  receiptRoutes(app, services);
  linkRoutes(app, services);
  genesysRoutes(app, new GenesysLinkService(genesysStore, config.genesys, config.defaultPhoneRegion, () => config.publicUrl, () => genesys.changed()));
  genesysWidgetRoutes(app, new GenesysWidgetService(genesysStore, conversations, tokens, config.genesys, () => config.publicUrl));
  bundleRoutes(app);

  const gateway = new VisitorGateway(services, registry, metrics, trust);
  const relays = new RelayRegistry(config.relayLimits);
  // Several nodes: a session's page and agents may sit on different nodes (one node: no Redis, no cost).
  if (config.redisUrl) relays.useCluster(await RelayCluster.connect(config.redisUrl, { commandTimeoutMs: config.redisCommandTimeoutMs, log }));
  metrics.watchRelays(() => relays.memory());
  await relays.listen(bus);
  const admission = new SocketAdmission(config.socketsPerSource, trust, metrics, cluster?.socketCounts ?? createMemorySocketCounts());
  const socketKinds: Record<string, SocketKind> = { [VISITOR_PATH]: 'visitor', [CAPTURE_PATH]: 'capture', [AGENT_PATH]: 'agent' };
  const capture = new CaptureGateway(services, relays, metrics, { resumeWindowMs: config.resumeWindowMs, framesPerSecond: config.captureFramesPerSecond });
  const agents = new AgentGateway(services, relays, metrics);
  app.server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const kind = socketKinds[path];
    if (!kind) return socket.destroy();
    admission.admit(kind, req, socket, head).then((admitted) => {
      if (!admitted) return;
      if (path === VISITOR_PATH) return gateway.handleUpgrade(req, socket, head);
      if (path === CAPTURE_PATH) return capture.handleUpgrade(req, socket, head);
      if (path === AGENT_PATH) return agents.handleUpgrade(req, socket, head);
    }, (err: unknown) => {
      log.error({ err }, 'socket admission failed');
      socket.destroy();
    });
  });

  // Ends and control changes made on another node while the bus was down never reached the
  // relays here: read them from the store.
  const recheckRelays = async () => {
    for (const id of relays.sessionIds()) {
      const session = await sessions.record(id);
      if (!session) continue;
      if (session.state !== 'active') relays.end(id, session.endReason ?? 'ended');
      else relays.get(id)?.toCapture({ type: 'control.state', control: session.control });
    }
  };

  const dispatcher = new WebhookDispatcher(db, log,
    { maxAttempts: config.webhookMaxAttempts, retryScheduleMs: config.webhookRetryScheduleMs, fetch: webhookFetch(config.webhookAllowPrivate) });
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
      for (const orgId of await listOrgIds(db)) unsubscribers.push(await bus.subscribe(orgEventsTopic(orgId), () => dispatcher.wake()));
      const offResume = bus.onResume(() => {
        dispatcher.wake();
        void recheckRelays().catch((err) => log.warn({ err }, 'checking relays after a bus outage failed'));
      });
      unsubscribers.push(async () => offResume());
      stopSweeper = startTimerSweeper([
        { name: 'invite expiry', run: () => invites.expireDue() },
        { name: 'resume window', run: () => sessions.endAbandoned((id) => capture.holds(id)) },
        { name: 'sms retry', run: () => invites.retryDueDeliveries() },
        { name: 'support code expiry', run: () => services.supportCodes.sweepExpired() },
      ], log, config.sweepIntervalMs);
      genesys.start();
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
      await genesys.stop();
      await dispatcher.stop();
      for (const u of unsubscribers) await u();
      await app.close();
      await cluster?.close();
      await bus.close();
      if (ownDb) await db.close();
    },
  };
}
