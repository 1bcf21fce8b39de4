import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { StoreUnavailableError } from '../shared/store-unavailable.ts';
import { startTimerSweeper } from './timer-sweeper.ts';

function capturedLogger() {
  const lines: { msg: string; timer?: string }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

test('an unreachable database is not logged on every sweep; any other failure is, by timer name', async () => {
  const { log, lines } = capturedLogger();
  let outageRuns = 0;
  let brokenRuns = 0;
  const stop = startTimerSweeper(
    [
      { name: 'invite expiry', run: async () => { outageRuns++; throw new StoreUnavailableError('connection refused'); } },
      { name: 'sms retry', run: async () => { brokenRuns++; throw new Error('column "nope" does not exist'); } },
    ],
    log,
    10,
  );
  for (let i = 0; i < 200 && (outageRuns < 5 || brokenRuns < 5); i++) await new Promise((r) => setTimeout(r, 10));
  await stop();
  assert.ok(outageRuns >= 5 && brokenRuns >= 5, 'both timers kept sweeping');
  const failures = lines.filter((l) => l.msg === 'timer sweep failed');
  assert.equal(failures.length, brokenRuns, 'every real failure is logged');
  assert.ok(failures.every((l) => l.timer === 'sms retry'), 'the outage added no line');
});
