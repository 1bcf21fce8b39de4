import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { buildApp, type TandemApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, genesysError, startFakeGenesys, type FakeGenesys } from './fake-genesys.ts';
import { waitFor } from './genesys-wait.ts';

const AGENT = '3a1f2b4c-0000-4000-8000-00000000a001';

interface LogLine { level: number; msg: string; [k: string]: unknown }

/** The operator's side of trouble with Genesys: what the server writes to its log. */
describe('genesys: every failure and every dropped notification is a log line', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-genesys-log-'));
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  let fake: FakeGenesys;
  let app: TandemApp;
  let url: string;
  let token: string;
  before(async () => {
    fake = await startFakeGenesys();
    app = await buildApp({
      config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', GENESYS_API_BASE_URL: fake.baseUrl,
        GENESYS_LOGIN_BASE_URL: fake.baseUrl, GENESYS_LEASE_MS: '2000', GENESYS_RECONNECT_BASE_MS: '50', GENESYS_RECONNECT_MAX_MS: '300' }),
      logger: pino({ level: 'info' }, sink),
    });
    url = await app.listen();
    const boot = app.bootstrap!;
    const res = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: boot.clientId, client_secret: boot.clientSecret }) });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await app.close();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const status = async () => ((await (await fetch(`${url}/v1/integrations/genesys`, { headers: { authorization: `Bearer ${token}` } })).json()) as
    { status: string }).status;
  const logged = (what: string, match: (l: LogLine) => boolean) => waitFor(async () => lines.find(match) ?? null, 30_000, what);

  test('a 429 with Retry-After: a warning naming the failure and the wait; a 403: one naming the permission', async () => {
    fake.answerNext('channels', genesysError(429, 'too.many.requests', 'Rate limit exceeded the maximum', { 'retry-after': '1' }));
    const put = await fetch(`${url}/v1/integrations/genesys`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ region: 'mypurecloud.com', clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET, follow: { users: [AGENT] } }) });
    assert.equal(put.status, 201);
    const limited = await logged('the 429 line', (l) => l.failure === 'rate_limited');
    assert.equal(limited.level, 40, 'a warning');
    assert.equal(limited.status, 429);
    assert.match(limited.msg, /^genesys: Genesys 429 too\.many\.requests on POST \/api\/v2\/notifications\/channels: Rate limit exceeded/);
    assert.ok((limited.retryInMs as number) >= 1000, `waits at least the Retry-After (${String(limited.retryInMs)} ms)`);
    await waitFor(async () => ((await status()) === 'connected' ? true : null), 30_000, 'connected');

    fake.answerNext('subscriptions',
      genesysError(403, 'missing.permissions', 'You are missing the following permission(s): [conversation:communication:view]'));
    fake.dropSockets();
    const forbidden = await logged('the 403 line', (l) => l.failure === 'forbidden');
    assert.equal(forbidden.level, 40);
    assert.match(forbidden.msg, /403 missing\.permissions on PUT \/api\/v2\/notifications\/channels\/[^ ]+\/subscriptions.*conversation:communication:view/);
    await waitFor(async () => ((await status()) === 'connected' ? true : null), 30_000, 'connected again');
  });

  test('a malformed message and a notification on a topic not subscribed to: a warning each, with what was dropped', async () => {
    fake.sendRaw('{not json');
    fake.sendRaw(JSON.stringify({ topicName: 'v2.users.ffffffff-0000-4000-8000-000000000000.conversations.calls', eventBody: { id: 'x', participants: [] } }));
    const malformed = await logged('the malformed line', (l) => l.msg === 'genesys: malformed notification dropped');
    assert.equal(malformed.level, 40);
    assert.equal(malformed.sample, '{not json');
    const stray = await logged('the stray topic line', (l) => /did not subscribe to/.test(l.msg));
    assert.equal(stray.topic, 'v2.users.ffffffff-0000-4000-8000-000000000000.conversations.calls');
  });
});
