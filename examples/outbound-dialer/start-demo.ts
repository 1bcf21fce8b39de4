// `npm start`: Tandem and the outbound-dialer demo in one process.
//   Tandem server   PORT (8080)        the product: API, sockets, SDK and console bundles
//   agent desktop   DEMO_PORT (8090)   the company's dialer, its backend, and the customer's phone
//   demo shop       SHOP_PORT (8091)   the company's website, on its own origin, with the SDK
// The demo backend talks to Tandem only through its public API with the typed client, as an
// integrator's backend would; it keeps its credentials in $DATA_DIR/demo.json.
import { pathToFileURL } from 'node:url';
import { TandemClient } from '@tandem/client';
import { ConfigError, buildApp, loadConfig, type TandemApp } from '@tandem/server';
import { buildDemoScripts } from './browser-bundles.ts';
import { createDemoBackend } from './backend/demo-backend.ts';
import { closeServer, listen } from './backend/http-responses.ts';
import { createShopBackend } from './backend/shop-backend.ts';
import { SCOPES } from '@tandem/protocol';
import { demoFile, provisionDemo, type DemoCredentials, type TandemOperator } from './demo-credentials.ts';

/** A Tandem the demo does not run itself (`npm run cluster`: nodes behind a balancer). */
export interface ExternalTandem extends TandemOperator {
  /** Where the demo's backend calls the API (the balancer). */
  url: string;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Tandem's port; 0 picks a free one. Default: PORT, else 8080. */
  port?: number;
  /** Agent desktop, phone and demo backend. Default: DEMO_PORT, else 8090. */
  demoPort?: number;
  /** The demo shop. Default: SHOP_PORT, else 8091. */
  shopPort?: number;
  /** Default: DATA_DIR, else ./.data */
  dataDir?: string;
  /** Environment to read Tandem's configuration from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long the simulated call rings before the customer answers. */
  ringMs?: number;
  /**
   * Runs the demo around a Tandem started elsewhere instead of one in this process; it is told the
   * desk's origins (its nodes must allow them in CORS_ORIGINS) once the desk listens.
   */
  external?: (deskOrigins: string[]) => Promise<ExternalTandem>;
}

export interface RunningDemo {
  /** The in-process Tandem; null around an external one. */
  tandem: TandemApp | null;
  tandemUrl: string;
  deskUrl: string;
  phoneUrl: string;
  shopUrl: string;
  credentials: DemoCredentials;
  /** The first start's API client, printed once. */
  bootstrap: { clientId: string; clientSecret: string } | null;
  notes: string[];
  dataFile: string;
  close(): Promise<void>;
}

function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError([`${name}=${JSON.stringify(raw)} must be a whole number from 0 to 65535`]);
  return n;
}

/** The origins a browser may use for one demo server: the public host, and the local names. */
export function originsFor(publicHost: string, port: number): string[] {
  return [...new Set([publicHost, '127.0.0.1', 'localhost'].map((host) => `http://${host}:${port}`))];
}

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  if (options.port !== undefined) env['PORT'] = String(options.port);
  if (options.dataDir !== undefined) env['DATA_DIR'] = options.dataDir;
  // The launcher's own lines (the URLs) stay readable; LOG_LEVEL=info shows every request.
  env['LOG_LEVEL'] ||= 'warn';
  const config = loadConfig(env);
  const demoPort = options.demoPort ?? portFrom(env, 'DEMO_PORT', 8090);
  const shopPort = options.shopPort ?? portFrom(env, 'SHOP_PORT', 8091);
  const publicHost = new URL(config.publicUrl).hostname;

  const scripts = await buildDemoScripts();
  const backend = createDemoBackend();
  const shop = createShopBackend();
  const started: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };

  try {
    const deskPort = await listen(backend.server, demoPort, config.host);
    started.push(async () => {
      await backend.close();
      await closeServer(backend.server);
    });
    const shopBound = await listen(shop.server, shopPort, config.host);
    started.push(() => closeServer(shop.server));
    const deskOrigins = originsFor(publicHost, deskPort);
    const shopOrigins = originsFor(publicHost, shopBound);

    let tandem: TandemApp | null = null;
    let operator: TandemOperator;
    let listenUrl: string;
    if (options.external) {
      const external = await options.external(deskOrigins);
      started.push(() => external.close());
      operator = external;
      listenUrl = external.url;
    } else {
      // The desk loads <tandem-console> from Tandem as a module script: a cross-origin request
      // that Tandem must allow for the desk's origin (what CORS_ORIGINS is for).
      config.corsOrigins = [...new Set([...config.corsOrigins, ...deskOrigins])];
      const app = await buildApp({ config });
      tandem = app;
      started.push(() => app.close());
      listenUrl = (await app.listen()).replace('//0.0.0.0:', '//127.0.0.1:');
      const clients = app.services.clients;
      operator = {
        bootstrap: app.bootstrap ? { clientId: app.bootstrap.clientId, clientSecret: app.bootstrap.clientSecret } : null,
        async createClient(name) {
          const { client, secret } = await clients.create(await clients.defaultOrgId(), name, [...SCOPES]);
          return { id: client.id, secret };
        },
      };
    }
    // An external Tandem's URL is its public one (a cluster's balancer).
    const tandemUrl = options.external ? listenUrl : config.publicUrl;

    const { credentials, bootstrap, notes } = await provisionDemo(operator, listenUrl, config.dataDir, shopOrigins);
    const client = new TandemClient({ baseUrl: listenUrl, clientId: credentials.client.id, clientSecret: credentials.client.secret });
    backend.ready({ tandem: client, tandemUrl, shopOrigin: shopOrigins[0]!, scripts, ringMs: options.ringMs });
    shop.ready({ tandemUrl, deploymentKey: credentials.shop.key, identitySecret: credentials.shop.identitySecret, scripts });

    return {
      tandem,
      tandemUrl,
      deskUrl: `${deskOrigins[0]}/`,
      phoneUrl: `${deskOrigins[0]}/phone`,
      shopUrl: `${shopOrigins[0]}/`,
      credentials,
      bootstrap,
      notes,
      dataFile: demoFile(config.dataDir),
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Prints the demo's URLs and runs until Ctrl+C or SIGTERM. */
export async function runDemo(options: DemoOptions = {}, title = 'Tandem demo', details: () => string[] = () => []): Promise<void> {
  const demo = await startDemo(options);
  const out = process.stdout;
  out.write(`
${title}: an outbound call, a cobrowse invite, and a customer who says yes.

  1. Agent desktop   ${demo.deskUrl}        <- start here
  2. Customer phone  ${demo.phoneUrl}   (the SMS arrives here)
  3. Demo shop       ${demo.shopUrl}        (the company's website, with the SDK)

  Tandem server      ${demo.tandemUrl}   (API docs: ${demo.tandemUrl}/docs)
`);
  for (const line of details()) out.write(`${line}\n`);
  for (const note of demo.notes) out.write(`  · ${note}\n`);
  if (demo.bootstrap) {
    out.write(`\nFirst start: an API client was created. Its secret is shown only now:\n`);
    out.write(`  TANDEM_CLIENT_ID=${demo.bootstrap.clientId}\n  TANDEM_CLIENT_SECRET=${demo.bootstrap.clientSecret}\n`);
  }
  out.write(`\nThe demo's API client and the shop's deployment are kept in ${demo.dataFile}. Stop with Ctrl+C.\n\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await demo.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

/** How a launcher ends when the demo could not start: one clear line for what the operator can fix. */
export function exitOnStartError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    process.stderr.write(`${(err as Error).message}: another program uses that port. Set PORT, DEMO_PORT or SHOP_PORT to free ones.\n`);
    process.exit(2);
  }
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDemo().catch(exitOnStartError);
}
