import { startBalancer, type Balancer } from '../../../../scripts/cluster/nginx-process.ts';
import { freePort } from '../faults/free-port.ts';
import { OwnRedis } from '../faults/own-redis.ts';
import { TandemEndpoint, TandemProcess, type Credentials } from '../faults/tandem-process.ts';
import { freshPostgresDatabase } from '../postgres-db.ts';

/**
 * N Tandem nodes as real processes behind nginx (round robin, no stickiness), on a fresh
 * Postgres database and a redis-server of the test's own, so parallel test files share nothing.
 * Nodes can be killed and started again; `close` stops everything and drops the database.
 */
export interface Cluster {
  /** The balancer's URL: what customers, agents and API clients use. */
  url: string;
  balancer: Balancer;
  redis: OwnRedis;
  databaseUrl: string;
  credentials: Credentials;
  /** The nodes by index; a killed node stays in place (its `exit` is set) until `restart`. */
  nodes: TandemProcess[];
  /** The API through the balancer (the bootstrap client's token), for the fixtures. */
  front: TandemEndpoint;
  api: TandemEndpoint['api'];
  /** SIGKILL: no shutdown hook runs, its sockets die with it. */
  kill(index: number): Promise<void>;
  /** Starts node `index` again on its port. */
  restart(index: number): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  env?: Record<string, string>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const count = opts.nodes ?? 3;
  const db = await freshPostgresDatabase();
  const redis = await OwnRedis.create();
  const ports = await distinctFreePorts(count + 1);
  const balancerPort = ports[count]!;
  const publicUrl = `http://127.0.0.1:${balancerPort}`;
  const envOf = (i: number): Record<string, string> => ({
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    PORT: String(ports[i]),
    PUBLIC_URL: publicUrl,
    TRUST_PROXY: 'loopback',
    LOG_LEVEL: 'warn',
    ...opts.env,
  });
  const nodes: TandemProcess[] = [];
  let balancer: Balancer | null = null;
  const stopAll = async () => {
    await balancer?.stop().catch(() => undefined);
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
    await redis.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
  };
  try {
    // The first node bootstraps the database (and prints the credentials); the others join it.
    nodes.push(await TandemProcess.start(envOf(0)));
    const credentials = nodes[0]!.credentials;
    nodes.push(...(await Promise.all(Array.from({ length: count - 1 }, (_, k) => TandemProcess.start(envOf(k + 1), credentials)))));
    balancer = await startBalancer({ port: balancerPort, upstreamPorts: ports.slice(0, count) });
    // API calls through the balancer, with the bootstrap client's token.
    const front = new TandemEndpoint(publicUrl, credentials);
    const b = balancer;
    return {
      url: publicUrl,
      balancer: b,
      redis,
      databaseUrl: db.url,
      credentials,
      nodes,
      front,
      api: front.api.bind(front),
      async kill(index: number) {
        await nodes[index]!.kill();
      },
      async restart(index: number) {
        nodes[index] = await TandemProcess.start(envOf(index), credentials);
      },
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
