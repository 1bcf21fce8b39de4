import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmsOutbox } from '../src/channels/sms-outbox.ts';
import { contractMessage, smsProviderContract } from './suites/sms-provider-contract.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPglite } from '../src/store/pglite-db.ts';

const ORG = 'org_contract';

/** An in-memory database whose next N writes fail, as a dropped connection would. */
async function flakyDb(): Promise<{ db: Db; failNext(n: number): void }> {
  const real = await openPglite(null);
  await migrate(real);
  let failures = 0;
  const db: Db = {
    ...real,
    async query(sql, params) {
      if (failures > 0 && /^INSERT/i.test(sql)) {
        failures--;
        throw new Error('Connection terminated unexpectedly');
      }
      return real.query(sql, params);
    },
  };
  return { db, failNext: (n) => (failures += n) };
}

smsProviderContract('outbox', async () => {
  const { db, failNext } = await flakyDb();
  const outbox = new SmsOutbox(db);
  return {
    provider: outbox,
    received: async () => (await outbox.list(ORG, { limit: 100 })).reverse(),
    failTransiently: failNext,
    failPermanently: null,
    close: () => db.close(),
  };
});

test('outbox: a retry of a stored message does not store a second copy', async () => {
  const { db } = await flakyDb();
  const outbox = new SmsOutbox(db);
  const m = contractMessage();
  await outbox.send(m);
  await outbox.send(m);
  const listed = await outbox.list(ORG, { limit: 10 });
  assert.deepEqual(listed.map((x) => ({ id: x.id, to: x.to, body: x.body, inviteId: x.inviteId })),
    [{ id: m.id, to: m.to, body: m.body, inviteId: m.inviteId }]);
  await db.close();
});
