// `npm run cluster`: three Tandem nodes on loopback ports behind nginx (round robin, no sticky
// sessions, WebSocket upgrades proxied, TRUST_PROXY so the nodes see the client's address), on
// the machine's Postgres (database tandem_cluster, created when missing) and Redis, with the
// outbound-dialer demo around them. Ctrl+C or SIGTERM stops everything.
//   CLUSTER_PORT (a free one)   the balancer: the one URL customers, agents and the demo use
//   CLUSTER_NODES (3)           how many nodes
//   DATABASE_URL, REDIS_URL     default postgres://postgres@127.0.0.1:5432/tandem_cluster, redis://127.0.0.1:6379
//   DEMO_PORT, SHOP_PORT        the demo's desk and shop (8090, 8091)
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { exitOnStartError, runDemo } from '../../examples/outbound-dialer/start-demo.ts';
import { startBalancer, type Balancer } from './nginx-process.ts';
import { startTandemNode, type TandemNode } from './tandem-node.ts';

const CLI = new URL('../../packages/server/src/cli.ts', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Creates the database named in `url` when it does not exist yet (connecting to `postgres` on the same server). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`Cannot reach Postgres at ${admin.host} (${(err as Error).message}): start it, or set DATABASE_URL`);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      process.stdout.write(`created database ${name}\n`);
    }
  } finally {
    await client.end();
  }
}

async function main() {
  const env = process.env;
  const databaseUrl = env['DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/tandem_cluster';
  const redisUrl = env['REDIS_URL'] || 'redis://127.0.0.1:6379';
  const nodeCount = Number(env['CLUSTER_NODES'] || 3);
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 16) throw new Error('CLUSTER_NODES must be a whole number from 1 to 16');
  await ensureDatabase(databaseUrl);
  const balancerPort = env['CLUSTER_PORT'] ? Number(env['CLUSTER_PORT']) : await freePort();
  const publicUrl = `http://127.0.0.1:${balancerPort}`;
  const dataDir = path.resolve(env['DATA_DIR'] || '.data', 'cluster');
  const shared: NodeJS.ProcessEnv = {
    ...env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    // nginx on loopback is the only way in: X-Forwarded-For from it names the client.
    TRUST_PROXY: env['TRUST_PROXY'] || 'loopback',
    LOG_LEVEL: env['LOG_LEVEL'] || 'warn',
  };
  const nodes: TandemNode[] = [];
  let balancer: Balancer | null = null;
  let stopping = false;

  await runDemo(
    {
      env: shared,
      external: async (deskOrigins) => {
        const cors = [...new Set([...(env['CORS_ORIGINS'] ?? '').split(',').filter(Boolean), ...deskOrigins])].join(',');
        const ports = new Set<number>();
        while (ports.size < nodeCount) ports.add(await freePort());
        const onExit = (name: string) => (code: number | null) => {
          if (!stopping) process.stderr.write(`${name} exited (${code}); the balancer sends its calls to the other nodes\n`);
        };
        // Started together on one database: one of them bootstraps it under an advisory lock.
        const start = (port: number, i: number) => startTandemNode(`node${i + 1}`, port, { ...shared, CORS_ORIGINS: cors }, onExit(`node${i + 1}`));
        const started = await Promise.allSettled([...ports].map(start));
        for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
        const stopAll = async () => {
          stopping = true;
          await balancer?.stop();
          await Promise.all(nodes.map((n) => n.stop()));
        };
        const failed = started.find((s) => s.status === 'rejected');
        if (failed) {
          await stopAll();
          throw (failed as PromiseRejectedResult).reason;
        }
        try {
          balancer = await startBalancer({ port: balancerPort, upstreamPorts: nodes.map((n) => n.port) });
        } catch (err) {
          await stopAll();
          throw err;
        }
        return {
          url: publicUrl,
          bootstrap: nodes.find((n) => n.bootstrap)?.bootstrap ?? null,
          async createClient(name: string) {
            // As the operator would: `tandem clients create` on the cluster's database.
            const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, 'clients', 'create', '--name', name], { env: shared });
            const id = /client_id=(\S+)/.exec(stdout)?.[1];
            const secret = /client_secret=(\S+)/.exec(stdout)?.[1];
            if (!id || !secret) throw new Error(`tandem clients create printed no client:\n${stdout}`);
            return { id, secret };
          },
          close: stopAll,
        };
      },
    },
    `Tandem cluster demo (${nodeCount} nodes behind nginx)`,
    () => [
      `  Balancer (nginx)   ${publicUrl}   round robin, no sticky sessions, WebSockets proxied`,
      ...nodes.map((n) => `    ${n.name}            http://127.0.0.1:${n.port}`),
      `  Database           ${databaseUrl.replace(/\/\/[^@/]*@/, '//')}   Redis ${redisUrl.replace(/\/\/[^@/]*@/, '//')}`,
    ],
  );
}

main().catch(exitOnStartError);
