// What the demo keeps between starts, in $DATA_DIR/demo.json: its own API client (the company
// backend's credentials) and the demo shop's deployment (the script tag's key and the identity
// secret the shop's backend signs with). Both secrets are shown by Tandem only once, so they are
// stored here, readable by this user only.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TandemClient, isTandemApiError } from '@tandem/client';

export interface DemoCredentials {
  client: { id: string; secret: string };
  shop: { deploymentId: string; key: string; identitySecret: string; origins: string[] };
}

export interface ProvisionResult {
  credentials: DemoCredentials;
  /** Set on the very first start: the server's bootstrap client, which the demo then uses. */
  bootstrap: { clientId: string; clientSecret: string } | null;
  /** What changed this start, for the launcher to say. */
  notes: string[];
}

/**
 * What provisioning needs of the Tandem it runs next to, as the operator: the first start's client
 * (if this start made one) and a way to make a new client (in-process, like `tandem clients create`).
 */
export interface TandemOperator {
  bootstrap: { clientId: string; clientSecret: string } | null;
  createClient(name: string): Promise<{ id: string; secret: string }>;
}

export const demoFile = (dataDir: string) => join(dataDir, 'demo.json');

async function readCredentials(file: string): Promise<DemoCredentials | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
    return value.client?.id && value.client.secret ? value : null;
  } catch {
    return null;
  }
}

const sameOrigins = (a: string[], b: string[]) => a.length === b.length && a.every((o) => b.includes(o));

/**
 * Makes sure the demo has working credentials and a deployment for the shop's origins:
 * - first start of the server: the bootstrap client, which is printed once, becomes the demo's;
 * - demo.json missing but the database exists: a new API client, created in-process (the
 *   launcher is the operator, like `tandem clients create`);
 * - stored client rejected (a different database): the same;
 * - shop origins changed (another SHOP_PORT): a new deployment.
 */
export async function provisionDemo(tandem: TandemOperator, baseUrl: string, dataDir: string, shopOrigins: string[]): Promise<ProvisionResult> {
  const file = demoFile(dataDir);
  const notes: string[] = [];
  const bootstrap = tandem.bootstrap;
  let stored = bootstrap ? null : await readCredentials(file);

  const newClient = async (why: string) => {
    const client = await tandem.createClient('outbound-dialer demo');
    notes.push(`${why}: created API client ${client.id} for the demo`);
    return client;
  };

  let client = bootstrap ? { id: bootstrap.clientId, secret: bootstrap.clientSecret } : stored?.client ?? (await newClient(`no ${file} yet`));
  let api = new TandemClient({ baseUrl, clientId: client.id, clientSecret: client.secret });
  try {
    await api.deployments.list();
  } catch (err) {
    if (!isTandemApiError(err, 'invalid_client')) throw err;
    client = await newClient('the stored API client is not known to this database');
    api = new TandemClient({ baseUrl, clientId: client.id, clientSecret: client.secret });
    stored = null;
  }

  let shop = stored?.shop;
  if (!shop || !sameOrigins(shop.origins, shopOrigins)) {
    const deployment =
      await api.deployments.create({ name: 'Northwind Outfitters (demo shop)', companyName: 'Northwind Outfitters', allowedOrigins: shopOrigins });
    shop = { deploymentId: deployment.id, key: deployment.key, identitySecret: deployment.identitySecret, origins: shopOrigins };
    notes.push(`registered the demo shop (${shopOrigins[0]}) as deployment ${deployment.id}`);
  }

  const credentials: DemoCredentials = { client, shop };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return { credentials, bootstrap, notes };
}
