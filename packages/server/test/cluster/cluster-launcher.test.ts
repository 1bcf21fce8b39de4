// `npm run cluster`'s launcher as an operator runs it: three nodes and nginx start, the demo works
// through the balancer (pages, the SDK, the console's cross-origin bundle, a visitor WebSocket),
// and SIGTERM stops every process it started.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OwnRedis } from '../faults/own-redis.ts';
import { portAccepts } from '../../../../scripts/cluster/port-accepts.ts';
import { freshPostgresDatabase } from '../postgres-db.ts';
import { VisitorClient } from '../visitor-client.ts';

const LAUNCHER = new URL('../../../../scripts/cluster/start-cluster.ts', import.meta.url).pathname;

let db: { url: string; drop: () => Promise<void> };
let redis: OwnRedis;
let dataDir: string;
let child: ChildProcess;
let out = '';

const refuses = async (url: string) => !(await portAccepts(Number(new URL(url).port), new URL(url).hostname));

before(async () => {
  [db, redis] = await Promise.all([freshPostgresDatabase(), OwnRedis.create()]);
  dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-cluster-launcher-'));
  child = spawn(process.execPath, ['--import', 'tsx', LAUNCHER], {
    env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: redis.url, DATA_DIR: dataDir, DEMO_PORT: '0', SHOP_PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const end = Date.now() + 90_000;
  while (!out.includes('Stop with Ctrl+C')) {
    if (child.exitCode !== null || Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`the launcher did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await redis?.stop();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('npm run cluster: three nodes behind nginx, the demo through the balancer, SIGTERM stops it all', async () => {
  const balancer = /Balancer \(nginx\)\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  assert.ok(balancer, out);
  const nodes = [...out.matchAll(/node\d\s+(http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
  assert.equal(nodes.length, 3, out);
  const desk = /Agent desktop\s+(http:\/\/\S+)/.exec(out)![1]!;
  const shop = /Demo shop\s+(http:\/\/\S+)/.exec(out)![1]!;
  assert.match(out, new RegExp(`Tandem server\\s+${balancer}`));

  for (let i = 0; i < 3; i++) {
    const ready: Response = await fetch(`${balancer}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { bus: { kind: string } }).bus.kind, 'redis');
  }
  // The shop embeds the SDK from the balancer, which serves it.
  const shopHtml = await (await fetch(shop)).text();
  assert.ok(shopHtml.includes(`${balancer}/sdk.js`), shopHtml);
  assert.equal((await fetch(`${balancer}/sdk.js`)).status, 200);
  // The desk's console calls Tandem across origins: every node allows the desk's origin (CORS_ORIGINS), no other.
  const deskOrigin = new URL(desk).origin;
  const preflight = (origin: string) =>
    fetch(`${balancer}/v1/conversations`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
  for (let i = 0; i < 3; i++) {
    assert.equal((await preflight(deskOrigin)).headers.get('access-control-allow-origin'), deskOrigin);
    assert.equal((await preflight('https://elsewhere.example')).headers.get('access-control-allow-origin'), null);
  }
  assert.equal((await fetch(`${balancer}/agent/tandem-console.js`)).status, 200);
  assert.equal((await fetch(desk)).status, 200);
  // A visitor WebSocket through nginx (the upgrade is proxied), as the shop's page opens it.
  const demo = JSON.parse(readFileSync(path.join(dataDir, 'cluster', 'demo.json'), 'utf8')) as { shop: { key: string; origins: string[] } };
  const page = await VisitorClient.connect(balancer, demo.shop.key, demo.shop.origins[0]!);
  page.close();

  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, out);
  for (const url of [balancer, ...nodes]) assert.ok(await refuses(url), `${url} still listens after SIGTERM`);
});
