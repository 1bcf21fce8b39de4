import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES, VISITOR_ERROR_CODES } from '@tandem/protocol';
import { startTestServer, type TestServer } from './test-server.ts';
import { SHOP_ORIGIN, connectedCall, createDeployment } from './fixtures.ts';
import { VisitorClient } from './visitor-client.ts';
import { RelayClient } from './relay-clients.ts';

const MALFORMED = CLOSE_CODES.MALFORMED_MESSAGE.code;

/** The close code, or 'still open' when the server kept the socket. */
function closeCode(closed: Promise<{ code: number }>): Promise<number | 'still open'> {
  return Promise.race([closed.then((c) => c.code), new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 5000).unref())]);
}

describe('socket messages: NUL bytes and unpaired surrogates are malformed, on every socket', () => {
  let s: TestServer;
  let dep: { key: string; identitySecret: string };
  before(async () => {
    s = await startTestServer('pglite');
    dep = await createDeployment(s);
  });
  after(async () => s?.close());

  test('visitor: an id or a code the database cannot store closes the socket as malformed, not a server error', async () => {
    const cases: [string, string][] = [
      ['NUL in an invite id', '{"type":"invite.open","seq":2,"inviteId":"inv_\\u0000x"}'],
      ['unpaired surrogate in an invite id', '{"type":"invite.decline","seq":2,"inviteId":"inv_\\udc00"}'],
      ['NUL in a support code', '{"type":"code.enter","seq":2,"code":"12\\u00003"}'],
    ];
    for (const [what, raw] of cases) {
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      page.sendRaw(raw);
      assert.equal(await closeCode(page.closed), MALFORMED, what);
      page.ws.close();
    }
    const healthy = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    assert.equal((await healthy.request({ type: 'ping' })).type, 'pong', 'other pages are unaffected');
    healthy.ws.close();
  });

  test('visitor: a prompt-failed report with an unknown reason is malformed; one for an invite the page was not offered is refused by code', async () => {
    const bad = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    bad.sendRaw('{"type":"invite.prompt_failed","seq":2,"inviteId":"inv_x","reason":"because"}');
    assert.equal(await closeCode(bad.closed), MALFORMED);
    bad.ws.close();
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const answer = await page.request({ type: 'invite.prompt_failed', inviteId: 'inv_not_offered', reason: 'error' });
    assert.equal(answer.type, 'error');
    const known = answer.type === 'error' && (VISITOR_ERROR_CODES as readonly string[]).includes(answer.code);
    assert.ok(known, `a code from the registry (${JSON.stringify(answer)})`);
    const events = (await s.api('GET', '/v1/events?limit=1000')).body.data as { type: string }[];
    assert.ok(!events.some((e) => e.type === 'invite.prompt_failed'), 'nothing recorded');
    page.ws.close();
  });

  test('agent and capture: the same rule, before and after auth', async () => {
    const call = await connectedCall(s);
    const token = (await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id })).body.token as string;
    const agent = await RelayClient.open(s.url, '/v1/agent');
    agent.send({ type: 'auth', token });
    await agent.jsonOf('ready');
    agent.ws.send('{"type":"code.claim","code":"1\\u0000"}');
    assert.equal(await closeCode(agent.closed), MALFORMED, 'agent, after auth');
    agent.close();
    const capture = await RelayClient.open(s.url, '/v1/capture');
    capture.ws.send('{"type":"auth","token":"ey\\ud800"}');
    assert.equal(await closeCode(capture.closed), MALFORMED, 'capture, the auth message');
    capture.close();
  });
});
