// When the page sends its checksum: once a burst has settled, and now and then whatever the page
// does. Timers and the clock are Node's mocks, so the schedule is exact; that a replica that went
// wrong heals is covered in Chromium by e2e/replica-drift.e2e.test.ts.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from '../../test/dom-page.ts';
import { startDriftChecks } from './drift-check.ts';

function schedule(run: (note: () => void, advance: (ms: number) => void) => void,
  opts = { settleMs: 1_000, busyEveryMs: 5_000, quietEveryMs: 30_000 }): number[] {
  const page = openPage('<p>Basket</p>');
  page.serialize();
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const sentAt: number[] = [];
  try {
    const checks = startDriftChecks(page.document, page.idOf, () => sentAt.push(Date.now()), opts);
    // In steps: a mocked timer's callback reads the clock at the end of the tick that ran it.
    run(() => checks.noteActivity(), (ms) => {
      for (let t = 0; t < ms; t += 10) mock.timers.tick(10);
    });
    checks.stop();
  } finally {
    mock.timers.reset();
    void page.close();
  }
  return sentAt;
}

test('a burst is checked once, a settle time after its last change', () => {
  const sent = schedule((note, advance) => {
    advance(5_000);
    // 3 s of changes every 50 ms, from t = 5 s.
    for (let t = 0; t < 3_000; t += 50) {
      note();
      advance(50);
    }
    advance(5_000);
  });
  assert.deepEqual(sent, [5_000 + 2_950 + 1_000]);
});

test('a page that never settles is checked every busy period, and a quiet one every quiet period', () => {
  const busy = schedule((note, advance) => {
    for (let t = 0; t < 21_000; t += 100) {
      note();
      advance(100);
    }
  });
  assert.deepEqual(busy, [5_000, 10_000, 15_000, 20_000]);
  // A ticker that starts long after the last check is first checked a busy period after it started.
  const late = schedule((note, advance) => {
    advance(42_000);
    for (let t = 0; t < 6_000; t += 250) {
      note();
      advance(250);
    }
  });
  assert.deepEqual(late, [30_000, 47_000]);
  const quiet = schedule((_note, advance) => advance(95_000));
  assert.deepEqual(quiet, [30_000, 60_000, 90_000]);
});

test('a change long after the last check is checked a settle time later, not at the next quiet tick', () => {
  const sent = schedule((note, advance) => {
    advance(40_000);
    note();
    advance(10_000);
  });
  assert.deepEqual(sent, [30_000, 41_000]);
});
