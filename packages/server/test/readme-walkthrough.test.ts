// The README's "Walkthrough with curl" runs as written, twice in a row against one server: its
// bash blocks in order, in one shell per run (as one terminal), the customer played by
// scripts/simulate-customer.ts as the README says. Only the credentials block is replaced by the
// environment, as a user copies those lines from the server's first start.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './test-server.ts';
import { ScriptProcess } from './script-process.ts';
import { eventsOf } from './fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
// npx and tsx start slowly on a busy machine; the server answers at once.
const RUN_MS = 180_000;

function walkthroughScript(): string {
  const section = README.split(/^## /m).find((s) => s.startsWith('Walkthrough with curl'));
  assert.ok(section, 'the README has the walkthrough');
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {3}/gm, ''));
  const steps = blocks.filter((b) => !b.includes('TANDEM_CLIENT_SECRET=tsk_...'));
  assert.equal(blocks.length - steps.length, 1, 'one block holds the credentials to copy');
  assert.ok(steps.length >= 6, `the walkthrough's steps (${steps.length} blocks)`);
  // -e: a failing step fails the run (a pasted walkthrough would show the error and go on).
  return ['set -eu', ...steps].join('\n');
}

let s: TestServer;
before(async () => {
  s = await startTestServer('pglite');
});
after(async () => s?.close());

test('the README curl walkthrough runs twice in a row as written: each run reaches session.started and ends with call_ended', async () => {
  const script = walkthroughScript();
  const calls: string[] = [];
  for (const run of [1, 2]) {
    const bash = new ScriptProcess('bash', ['-c', script], {
      cwd: ROOT,
      env: { TANDEM_URL: s.url, TANDEM_CLIENT_ID: s.clientId, TANDEM_CLIENT_SECRET: s.clientSecret },
    });
    const code = await bash.exitCode(RUN_MS).finally(() => bash.kill());
    assert.equal(code, 0, `run ${run} exited ${code}\n${bash.output()}`);
    assert.match(bash.stdout, /^data: \{.*"type":"session\.started"/m, `run ${run} printed session.started from the stream\n${bash.output()}`);
    assert.match(bash.stdout, /Shared\. Session ses_/, `run ${run}: the simulated customer shared`);
    const call = /"id":"(call-[0-9]+-[0-9]+)"/.exec(bash.stdout)?.[1];
    assert.ok(call, `run ${run} printed its call\n${bash.output()}`);
    calls.push(call);
    const ended = (await eventsOf(s, call)).filter((e) => e.type === 'session.ended');
    assert.deepEqual(ended.map((e) => e.data.reason), ['call_ended'], `run ${run}: the hang-up ended the session`);
  }
  assert.notEqual(calls[0], calls[1], 'each run makes its own call');
});
