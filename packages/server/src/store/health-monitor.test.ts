import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HealthMonitor } from './health-monitor.ts';
import { StoreUnavailableError, isStoreUnreachable } from '../shared/store-unavailable.ts';

const quiet = { warn: () => undefined, info: () => undefined };
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached within 2 s');
};
const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('store health', () => {
  test('an unreachable server is told apart from a bad statement', () => {
    assert.equal(isStoreUnreachable(sqlError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')), true);
    assert.equal(isStoreUnreachable(sqlError('57P01', 'terminating connection due to administrator command')), true);
    assert.equal(isStoreUnreachable(new Error('Query read timeout')), true);
    assert.equal(isStoreUnreachable(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isStoreUnreachable(sqlError('23505', 'duplicate key value violates unique constraint')), false);
    assert.equal(isStoreUnreachable(sqlError('42P01', 'relation "nope" does not exist')), false);
  });

  test('a failed probe marks the store down and queries fail at once; a good probe brings it back', async () => {
    let answers = false;
    let probes = 0;
    const m = new HealthMonitor(async () => {
      probes++;
      if (!answers) throw sqlError('ECONNREFUSED', 'connect ECONNREFUSED');
    }, quiet, 20);
    const bad = sqlError('42P01', 'relation "nope" does not exist');
    assert.equal(m.classify(bad), bad, 'a bad statement passes unchanged');
    assert.equal(probes, 0, 'and starts no probe');

    const mapped = m.classify(new Error('Connection terminated unexpectedly'));
    assert.ok(mapped instanceof StoreUnavailableError);
    await until(() => m.health().state === 'down');
    assert.match(m.health().reason!, /ECONNREFUSED/);
    assert.throws(() => m.assertUp(), StoreUnavailableError);

    answers = true;
    await until(() => m.health().state === 'up');
    assert.doesNotThrow(() => m.assertUp());
    m.close();
  });

  test('one killed connection does not mark a server that answers as down', async () => {
    const m = new HealthMonitor(async () => undefined, quiet, 20);
    m.classify(sqlError('57P01', 'terminating connection due to administrator command'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(m.health().state, 'up');
    m.close();
  });
});
