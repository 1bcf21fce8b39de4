#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { SCOPES, type Scope } from '@tandem/protocol';
import { buildApp } from './app.ts';
import { ClientService } from './auth/client-service.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DomainError } from './shared/domain-error.ts';
import { openDb } from './wiring/open-db.ts';
import { StoreUnavailableError, isStoreUnreachable } from './shared/store-unavailable.ts';
import { GENESYS_USAGE, genesysCommand } from './integrations/genesys/genesys-cli.ts';
import { ReceiptKeys } from './auth/receipt-keys.ts';
import { receiptsCommand } from './receipts-command.ts';

const USAGE = `Usage: tandem <command>

  start                          start the server (PORT, PUBLIC_URL, DATA_DIR, DATABASE_URL, REDIS_URL, LOG_LEVEL, ...)
  migrate                        apply database migrations and exit
  clients create --name N [--scopes "a b"]   create an API client; prints its secret once
  clients list                   list API clients
  clients revoke <client-id>     revoke an API client
  receipts verify <file-or-receipt> --jwks <file-or-url> [--json]
                                 verify consent receipts offline; exit 1 if any fails
  receipts rotate-key            add a new receipt signing key (old ones stay published)
${GENESYS_USAGE}`;

async function withClients<T>(fn: (c: ClientService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDb(config);
  try {
    const clients = new ClientService(db);
    await clients.bootstrap();
    return await fn(clients);
  } finally {
    await db.close();
  }
}

async function start() {
  const config = loadConfig();
  const tandem = await buildApp({ config });
  const url = await tandem.listen();
  const out = process.stdout;
  const bus = tandem.services.bus.health();
  const busNote = bus.state === 'down' ? `, bus: ${tandem.services.bus.kind} DOWN (${bus.reason}), running degraded` : '';
  out.write(`\nTandem is running at ${config.publicUrl} (listening on ${url}, database: ${tandem.services.db.kind}${busNote})\n`);
  out.write(`  API docs:  ${config.publicUrl}/docs\n`);
  if (tandem.bootstrap) {
    out.write(`\nFirst start: an API client was created. Its secret is shown only now:\n`);
    out.write(`  TANDEM_CLIENT_ID=${tandem.bootstrap.clientId}\n  TANDEM_CLIENT_SECRET=${tandem.bootstrap.clientSecret}\n\n`);
  }
  // Last line of defence for a store error some code path did not catch: an outage must not end
  // the process (every known path handles it). Anything else is a bug: log it and exit as before.
  process.on('unhandledRejection', (reason) => {
    if (isStoreUnreachable(reason)) return tandem.services.log.warn({ err: reason }, 'a database error was not handled; the process keeps running');
    tandem.services.log.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    tandem.services.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await tandem.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function main(argv: string[]) {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'start':
      return start();
    case 'migrate': {
      const db = await openDb(loadConfig());
      await db.close();
      process.stdout.write('migrations applied\n');
      return;
    }
    case 'clients': {
      if (sub === 'create') {
        const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, scopes: { type: 'string' } } });
        if (!values.name) throw new UsageError('clients create needs --name');
        const scopes = (values.scopes ? values.scopes.split(/[\s,]+/).filter(Boolean) : [...SCOPES]) as Scope[];
        const { client, secret } = await withClients(async (c) => c.create(await c.defaultOrgId(), values.name!, scopes));
        process.stdout.write(`client_id=${client.id}\nclient_secret=${secret}\nscopes=${client.scopes.join(' ')}\n(the secret is shown only now)\n`);
        return;
      }
      if (sub === 'list') {
        const list = await withClients(async (c) => c.list(await c.defaultOrgId()));
        for (const c of list) process.stdout.write(`${c.id}\t${c.name}\t${c.revokedAt ? `revoked ${c.revokedAt}` : 'active'}\t${c.scopes.join(' ')}\n`);
        return;
      }
      if (sub === 'revoke') {
        const id = rest[0];
        if (!id) throw new UsageError('clients revoke needs a client id');
        const c = await withClients(async (cs) => cs.revoke(await cs.defaultOrgId(), id));
        process.stdout.write(`revoked ${c.id}\n`);
        return;
      }
      throw new UsageError(`unknown clients command "${sub ?? ''}"`);
    }
    case 'genesys': {
      const config = loadConfig();
      const db = await openDb(config);
      try {
        const clients = new ClientService(db);
        await clients.bootstrap();
        const orgId = await clients.defaultOrgId();
        // Widget consoles act for an API client; from the CLI, the organisation's first active one.
        const clientId = (await clients.list(orgId)).find((c) => !c.revokedAt)?.id ?? null;
        return await genesysCommand(sub, rest, config, db, { id: orgId, clientId }, process.stdout, (why) => new UsageError(why));
      } finally {
        await db.close();
      }
    }
    case 'receipts': {
      if (sub === 'rotate-key') {
        const db = await openDb(loadConfig());
        try {
          process.stdout.write(`new receipt signing key: ${await new ReceiptKeys(db).rotate()}\n`);
        } finally {
          await db.close();
        }
        return;
      }
      if (sub === 'verify') {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { jwks: { type: 'string' }, json: { type: 'boolean' } } });
        if (positionals.length !== 1 || !values.jwks) throw new UsageError('receipts verify needs one receipt (or a file of them) and --jwks <file-or-url>');
        try {
          process.exitCode = await receiptsCommand(positionals[0]!, values.jwks, { json: values.json === true, out: process.stdout });
        } catch (err) {
          // Unreadable input or keys: say which, without a stack trace.
          process.stderr.write(`receipts verify: ${(err as Error).message}\n`);
          process.exitCode = 2;
        }
        return;
      }
      throw new UsageError(`unknown receipts command "${sub ?? ''}"`);
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof DomainError) {
    process.stderr.write(`${err.code}: ${err.detail}\n`);
    process.exit(2);
  }
  if (err instanceof StoreUnavailableError) {
    process.stderr.write(`The database is not reachable (${err.reason}): start it or check DATABASE_URL, then start again.\n`);
    process.exit(1);
  }
  if (err instanceof ConfigError || err instanceof UsageError) {
    process.stderr.write(`${err.message}\n${err instanceof UsageError ? `\n${USAGE}` : ''}`);
    process.exit(2);
  }
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
