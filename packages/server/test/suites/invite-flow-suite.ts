import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES } from '@tandem/protocol';
import { startTestServer, type DbKind, type TestServer } from '../test-server.ts';
import { VisitorClient } from '../visitor-client.ts';
import { startedSession } from '../started-session.ts';
import { SHOP_ORIGIN, callId, connectedCall, createDeployment, eventsOf } from '../fixtures.ts';

/** The seed flow and its rules: call → invite → customer says yes or no → session → call ends. */
export function inviteFlowSuite(kind: DbKind) {
  describe(`invite flow (${kind})`, () => {
    let s: TestServer;
    let dep: { key: string; identitySecret: string };
    before(async () => {
      s = await startTestServer(kind);
      dep = await createDeployment(s);
    });
    after(async () => s?.close());

    test('a present customer gets the prompt pushed, accepts, and the dialer sees session.started', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      assert.equal((await page.identify(dep.identitySecret, call.customer.id)).type, 'identified');

      const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
      assert.equal(res.status, 201, res.text);
      assert.match(res.body.code, /^\d{10}$/);
      assert.match(res.body.link, new RegExp(`^${s.url}/j/[0-9a-z]{32}$`));
      assert.deepEqual(res.body.deliveries.map((d: { channel: string; state: string }) => [d.channel, d.state]), [['push', 'delivered']]);
      assert.equal(res.body.state, 'delivered');

      const pushed = await page.waitFor('invite');
      assert.equal(pushed.invite.inviteId, res.body.id);
      assert.equal(pushed.invite.agentName, 'Dana');
      assert.equal(pushed.invite.companyName, 'Acme');
      assert.equal(pushed.invite.phrase, res.body.phrase);
      assert.ok(!JSON.stringify(pushed).includes(res.body.link.split('/j/')[1]), 'the link secret never goes to the page');

      const started = await page.acceptInvite(res.body.id);
      assert.equal(started.type, 'session.started');
      assert.ok(started.type === 'session.started' && started.captureToken.length > 20);

      const types = (await eventsOf(s, call.id)).map((e) => e.type);
      assert.deepEqual(types.filter((t) => t !== 'conversation.updated'),
        ['invite.created', 'invite.delivered', 'invite.opened', 'invite.accepted', 'session.started']);
      const session = await s.api('GET', `/v1/sessions?conversationId=${call.id}`);
      assert.equal(session.body.data.length, 1);
      assert.equal(session.body.data[0].state, 'active');
      assert.equal((await s.api('GET', `/v1/invites/${res.body.id}`)).body.state, 'accepted');
      page.close();
    });

    test('the consent record says who accepted, when, what the prompt showed and the user agent', async () => {
      const withPhrase = (i: { phrase: string }) => ({ text: `Dana from Acme will see this tab. Matching phrase: ${i.phrase}` });
      const { call, page, invite: inv, shown } = await startedSession(s, dep, { shown: withPhrase });
      const text = shown.text;
      const audit = await s.api('GET', `/v1/conversations/${call.id}/audit`);
      assert.equal(audit.status, 200);
      const consent = audit.body.data.find((e: { type: string }) => e.type === 'consent.share.accepted');
      assert.ok(consent, JSON.stringify(audit.body.data));
      assert.equal(consent.data.customerId, call.customer.id);
      assert.equal(consent.data.shown.phrase, inv.phrase);
      assert.equal(consent.data.shown.text, text);
      assert.equal(consent.data.userAgent, 'VisitorClient/1 (test)');
      assert.ok(Date.parse(consent.at) > Date.now() - 60_000);
      assert.ok(audit.body.data.some((e: { type: string }) => e.type === 'session.started'));
      page.close();
    });

    test('declining ends the invite, records the refusal, and no session exists', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      await page.identify(dep.identitySecret, call.customer.id);
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id })).body;
      await page.request({ type: 'invite.open', inviteId: inv.id });
      assert.equal((await page.request({ type: 'invite.decline', inviteId: inv.id })).type, 'ok');
      assert.equal((await s.api('GET', `/v1/invites/${inv.id}`)).body.state, 'declined');
      assert.equal((await s.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data.length, 0);
      const late = await page.request({ type: 'invite.accept', inviteId: inv.id, shown: { companyName: 'a', agentName: 'b', phrase: 'c', text: 'd' } });
      assert.equal(late.type, 'error');
      const types = (await eventsOf(s, call.id)).map((e) => e.type);
      assert.ok(types.includes('invite.declined'));
      assert.ok(!types.includes('session.started'));
      page.close();
    });

    test('SMS deep link: redirects with the secret in the fragment, the page redeems it and accepts', async () => {
      const call = await connectedCall(s, { phone: '+1 (415) 555-0123' });
      const res = await s.api('POST', '/v1/invites', { conversationId: call.id, returnUrl: `${SHOP_ORIGIN}/account?tab=orders` });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(res.body.deliveries.map((d: { channel: string }) => d.channel), ['sms']);
      const outbox = await s.api('GET', `/v1/sms/outbox?to=${encodeURIComponent('+14155550123')}`);
      assert.equal(outbox.body.data.length, 1);
      assert.ok(outbox.body.data[0].body.includes(res.body.link), outbox.body.data[0].body);

      const secret = res.body.link.split('/j/')[1];
      const hop = await fetch(res.body.link, { redirect: 'manual' });
      assert.equal(hop.status, 302);
      const location = new URL(hop.headers.get('location')!);
      assert.equal(location.origin + location.pathname + location.search, `${SHOP_ORIGIN}/account?tab=orders`);
      assert.equal(location.hash, `#tandem=${secret}`);
      assert.equal((await s.api('GET', `/v1/invites/${res.body.id}`)).body.state, 'opened');

      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      const offered = await page.request({ type: 'link.redeem', secret });
      assert.equal(offered.type, 'invite');
      assert.equal((await page.acceptInvite(res.body.id)).type, 'session.started');

      const used = await fetch(res.body.link, { redirect: 'manual' });
      assert.equal(used.status, 410);
      assert.match(used.headers.get('content-type')!, /text\/html/);
      assert.match(await used.text(), /already been used/);
      page.close();
    });

    test('with several sites, the SMS names the company of the site the link returns to', async () => {
      await s.api('POST', '/v1/deployments', { name: 'Outlet', companyName: 'Acme Outlet', allowedOrigins: ['https://outlet.example.test'] });
      const call = await connectedCall(s, { phone: '+14155550177' });
      const res = await s.api('POST', '/v1/invites', { conversationId: call.id, returnUrl: 'https://outlet.example.test/help' });
      const sms = (await s.api('GET', `/v1/sms/outbox?to=${encodeURIComponent('+14155550177')}`)).body.data[0];
      assert.match(sms.body, /^Acme Outlet:/);
      assert.equal(res.status, 201);
    });

    test('an unknown link gets an HTML page, not JSON', async () => {
      const res = await fetch(`${s.url}/j/${'a'.repeat(32)}`, { redirect: 'manual' });
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.match(await res.text(), /not valid/);
    });

    test('the code channel: the customer types the code the agent read aloud', async () => {
      const call = await connectedCall(s);
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body;
      assert.deepEqual(inv.deliveries.map((d: { channel: string; state: string }) => [d.channel, d.state]), [['code', 'sent']]);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      const wrong = await page.request({ type: 'code.enter', code: inv.code === '0000000000' ? '1111111111' : '0000000000' });
      assert.equal(wrong.type === 'error' && wrong.code, 'invalid_code');
      const right = await page.request({ type: 'code.enter', code: `${inv.code.slice(0, 3)} ${inv.code.slice(3, 6)}-${inv.code.slice(6)}` });
      assert.equal(right.type, 'invite');
      assert.equal((await page.acceptInvite(inv.id)).type, 'session.started');
      page.close();
    });

    test('the reverse path: the page asks for a support code, the backend claims it, the prompt shows on that page', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      const code = await page.request({ type: 'code.request' });
      assert.equal(code.type, 'code');
      const claimed = await s.api('POST', '/v1/invites/claim', { code: code.type === 'code' ? code.code : '', conversationId: call.id });
      assert.equal(claimed.status, 201, claimed.text);
      const pushed = await page.waitFor('invite');
      assert.equal(pushed.invite.inviteId, claimed.body.id);
      assert.equal((await page.acceptInvite(claimed.body.id)).type, 'session.started');
      const again = await s.api('POST', '/v1/invites/claim', { code: code.type === 'code' ? code.code : '', conversationId: call.id });
      assert.equal(again.status, 422);
      assert.equal(again.body.code, 'invalid_code');
      page.close();
    });

    test('hanging up revokes live invites and ends live sessions with reason call_ended', async () => {
      const { call, page } = await startedSession(s, dep);
      const second = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body;

      const hangup = await s.api('PUT', `/v1/conversations/${call.id}`, { state: 'disconnected' });
      assert.equal(hangup.status, 200);
      const ended = await page.waitFor('session.ended');
      assert.equal(ended.reason, 'call_ended');
      assert.equal((await s.api('GET', `/v1/invites/${second.id}`)).body.state, 'revoked');
      const sessions = (await s.api('GET', `/v1/sessions?conversationId=${call.id}`)).body.data;
      assert.equal(sessions[0].state, 'ended');
      assert.equal(sessions[0].endReason, 'call_ended');
      const evs = await eventsOf(s, call.id);
      assert.equal(evs.find((e) => e.type === 'session.ended')?.data.reason, 'call_ended');
      assert.equal(evs.find((e) => e.type === 'invite.revoked')?.data.reason, 'call_ended');
      const late = await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] });
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'conversation_not_connected');
      page.close();
    });

    test('the customer stops sharing, the session ends with customer_stopped; the API can end one too', async () => {
      const { call, page, sessionId } = await startedSession(s, dep);
      assert.equal((await page.request({ type: 'session.stop', sessionId })).type, 'ok');
      const ses = (await s.api('GET', `/v1/sessions/${sessionId}`)).body;
      assert.equal(ses.state, 'ended');
      assert.equal(ses.endReason, 'customer_stopped');
      const again = await s.api('POST', `/v1/sessions/${sessionId}/end`, {});
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invalid_state');

      const inv2 = (await s.api('POST', '/v1/invites', { conversationId: call.id })).body;
      const started2 = await page.acceptInvite(inv2.id);
      const id2 = started2.type === 'session.started' ? started2.sessionId : '';
      const ended = await s.api('POST', `/v1/sessions/${id2}/end`, { reason: 'agent_ended' });
      assert.equal(ended.status, 200);
      assert.equal(ended.body.endReason, 'agent_ended');
      assert.equal((await page.waitFor('session.ended')).sessionId, sessionId);
      page.close();
    });

    test('control needs its own consent, recorded separately, and the customer can revoke it', async () => {
      const { call, page, sessionId } = await startedSession(s, dep);
      assert.equal((await s.api('GET', `/v1/sessions/${sessionId}`)).body.control, false);
      assert.equal((await page.acceptControl(sessionId)).type, 'control.granted');
      assert.equal((await s.api('GET', `/v1/sessions/${sessionId}`)).body.control, true);
      assert.equal((await page.request({ type: 'control.revoke', sessionId })).type, 'control.revoked');
      assert.equal((await s.api('GET', `/v1/sessions/${sessionId}`)).body.control, false);
      const audit = (await s.api('GET', `/v1/conversations/${call.id}/audit`)).body.data.map((e: { type: string }) => e.type);
      for (const t of ['consent.share.accepted', 'consent.control.accepted', 'consent.control.revoked', 'session.control_granted',
        'session.control_revoked']) assert.ok(audit.includes(t), t);
      page.close();
    });

    test('an invite expires on time with nobody asking, and the page is told', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      await page.identify(dep.identitySecret, call.customer.id);
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id, expiresInSeconds: 30 })).body;
      assert.ok(Math.abs(Date.parse(inv.expiresAt) - Date.now() - 30_000) < 5_000);
      // Move the clock of this one invite rather than wait half a minute.
      await s.tandem.services.db.query('UPDATE invites SET expires_at = $2 WHERE id = $1', [inv.id, new Date(Date.now() + 300)]);
      const withdrawn = await page.waitFor('invite.withdrawn', 5000);
      assert.equal(withdrawn.reason, 'expired');
      assert.equal((await s.api('GET', `/v1/invites/${inv.id}`)).body.state, 'expired');
      assert.ok((await eventsOf(s, call.id)).some((e) => e.type === 'invite.expired'));
      const late = await page.acceptInvite(inv.id);
      assert.equal(late.type, 'error');
      page.close();
    });

    test('default invite expiry is 10 minutes; codes are unique among live invites', async () => {
      const call = await connectedCall(s);
      const codes = new Set<string>();
      for (let i = 0; i < 15; i++) {
        const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body;
        if (i === 0) assert.ok(Math.abs(Date.parse(inv.expiresAt) - Date.now() - 600_000) < 10_000);
        codes.add(inv.code);
      }
      assert.equal(codes.size, 15);
    });

    test('an invite for one customer cannot be opened or accepted by another', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      await page.identify(dep.identitySecret, 'someone-else');
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body;
      const entered = await page.request({ type: 'code.enter', code: inv.code });
      assert.equal(entered.type === 'error' && entered.code, 'invite_not_for_you');
      // The agent is told why nothing happens: a refusal in the call's events (the console's timeline).
      const refused = (await eventsOf(s, call.id)).find((e) => e.type === 'invite.link_refused');
      const welcome = page.received.find((m) => m.type === 'welcome');
      assert.deepEqual(refused?.data, { reason: 'signed_in_as_another_customer', visitorId: welcome?.type === 'welcome' && welcome.visitorId });
      const sneaky = await page.request({ type: 'invite.open', inviteId: inv.id });
      assert.equal(sneaky.type === 'error' && sneaky.code, 'invite_not_found');
      assert.equal((await s.api('GET', `/v1/invites/${inv.id}`)).body.state, 'created');
      page.close();
    });

    test('accept before the prompt was opened is an illegal transition', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      await page.identify(dep.identitySecret, call.customer.id);
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id })).body;
      const r = await page.request({ type: 'invite.accept', inviteId: inv.id, shown: { companyName: 'a', agentName: 'b', phrase: 'c', text: 'd' } });
      assert.equal(r.type === 'error' && r.code, 'invite_not_available');
      assert.equal((await s.api('GET', `/v1/invites/${inv.id}`)).body.state, 'delivered');
      page.close();
    });

    test('revoking an invite withdraws it from the page; revoking twice is invalid_state', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      await page.identify(dep.identitySecret, call.customer.id);
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id })).body;
      const del = await s.api('DELETE', `/v1/invites/${inv.id}`);
      assert.equal(del.status, 200);
      assert.equal(del.body.state, 'revoked');
      assert.equal((await page.waitFor('invite.withdrawn')).reason, 'revoked');
      const again = await s.api('DELETE', `/v1/invites/${inv.id}`);
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invalid_state');
      assert.equal(again.body.currentState, 'revoked');
      page.close();
    });

    test('visitor sockets: wrong origin and unknown deployment are closed with a reason', async () => {
      const wrong = await VisitorClient.connect(s.url, dep.key, 'https://evil.example', { hello: false });
      assert.deepEqual(await wrong.closed, { code: CLOSE_CODES.ORIGIN_NOT_ALLOWED.code, reason: CLOSE_CODES.ORIGIN_NOT_ALLOWED.reason });
      const unknown = await VisitorClient.connect(s.url, 'pk_nope', SHOP_ORIGIN, { hello: false });
      assert.equal((await unknown.closed).code, CLOSE_CODES.UNKNOWN_DEPLOYMENT.code);
    });

    test('identity tokens: expired or signed with another secret are refused and the page stays anonymous', async () => {
      const call = await connectedCall(s);
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      const forged = await page.identify('not-the-secret', call.customer.id);
      assert.equal(forged.type === 'error' && forged.code, 'identity_token_invalid');
      const expired = await page.identify(dep.identitySecret, call.customer.id, '-1m');
      assert.equal(expired.type === 'error' && expired.code, 'identity_token_expired');
      const res = await s.api('POST', '/v1/invites', { conversationId: call.id });
      assert.equal(res.status, 422);
      assert.equal(res.body.code, 'customer_unreachable');
      page.close();
    });

    test('malformed, oversized and out-of-order visitor messages close that socket only', async () => {
      const bystander = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      const cases: [string, (c: VisitorClient) => void, number][] = [
        ['not json', (c) => c.sendRaw('{nope'), CLOSE_CODES.MALFORMED_MESSAGE.code],
        ['unknown type', (c) => c.sendRaw(JSON.stringify({ type: 'sudo', seq: 99 })), CLOSE_CODES.MALFORMED_MESSAGE.code],
        ['extra field', (c) => c.sendRaw(JSON.stringify({ type: 'ping', seq: 99, admin: true })), CLOSE_CODES.MALFORMED_MESSAGE.code],
        ['oversized', (c) => c.sendRaw(JSON.stringify({ type: 'ping', seq: 99, pad: 'x'.repeat(40_000) })), CLOSE_CODES.MESSAGE_TOO_LARGE.code],
        ['replayed seq', (c) => c.sendRaw(JSON.stringify({ type: 'ping', seq: 1 })), CLOSE_CODES.PROTOCOL_VIOLATION.code],
        ['binary', (c) => c.sendRaw(Buffer.from([1, 2, 3])), CLOSE_CODES.MALFORMED_MESSAGE.code],
      ];
      for (const [name, send, code] of cases) {
        const c = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
        send(c);
        assert.equal((await c.closed).code, code, name);
      }
      const noHello = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN, { hello: false });
      noHello.sendRaw(JSON.stringify({ type: 'ping', seq: 1 }));
      assert.equal((await noHello.closed).code, CLOSE_CODES.PROTOCOL_VIOLATION.code);
      assert.equal((await bystander.request({ type: 'ping' })).type, 'pong');
      assert.equal((await s.api('GET', '/healthz')).status, 200);
      bystander.close();
    });

    test('resuming a session needs a valid capture token of a live session; declining control needs the session', async () => {
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      const forged = await page.request({ type: 'session.resume', captureToken: 'not-a-token' });
      assert.equal(forged.type === 'error' && forged.code, 'session_not_found');
      const decline = await page.request({ type: 'control.decline', sessionId: 'ses_nope' });
      assert.equal(decline.type === 'error' && decline.code, 'session_not_found');

      const { page: owner, sessionId, captureToken } = await startedSession(s, dep);
      // Another page may not stop the session until it shows the session's capture token.
      assert.equal((await page.request({ type: 'session.stop', sessionId })).type, 'error');
      const resumed = await page.request({ type: 'session.resume', captureToken });
      assert.equal(resumed.type === 'session.resumed' && resumed.sessionId, sessionId);
      assert.equal((await page.request({ type: 'session.stop', sessionId })).type, 'ok');
      assert.equal((await s.api('GET', `/v1/sessions/${sessionId}`)).body.endReason, 'customer_stopped');
      const late = await page.request({ type: 'session.resume', captureToken });
      assert.equal(late.type === 'error' && late.code, 'session_not_found', 'an ended session cannot be resumed');
      page.close();
      owner.close();
    });

    test('a flood of visitor messages is cut off with RATE_LIMITED', async () => {
      const c = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      for (let i = 2; i < 100; i++) c.sendRaw(JSON.stringify({ type: 'ping', seq: i }));
      assert.equal((await c.closed).code, CLOSE_CODES.RATE_LIMITED.code);
    });

    test('guessing invite codes from a page is rate-limited', async () => {
      const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
      let limited = false;
      for (let i = 0; i < 15 && !limited; i++) {
        const r = await page.request({ type: 'code.enter', code: String(1000000000 + i) });
        if (r.type === 'error' && r.code === 'rate_limited') limited = true;
      }
      assert.ok(limited, 'the 11th wrong code is refused');
      page.close();
    });

    test('a conversation id is upserted; a hung-up call cannot be reconnected', async () => {
      const id = callId();
      const a = await s.api('PUT', `/v1/conversations/${id}`, { state: 'dialing', customer: { phone: '+44 20 7946 0958' }, agent: { id: 'a1' } });
      assert.equal(a.status, 201);
      assert.equal(a.body.customer.phone, '+442079460958');
      const b = await s.api('PUT', `/v1/conversations/${id}`, { state: 'connected', customer: { name: 'Sam' } });
      assert.equal(b.status, 200);
      assert.equal(b.body.customer.phone, '+442079460958', 'fields not sent are kept');
      assert.equal(b.body.customer.name, 'Sam');
      assert.ok(b.body.connectedAt);
      assert.equal((await s.api('PUT', `/v1/conversations/${id}`, { state: 'disconnected' })).status, 200);
      const c = await s.api('PUT', `/v1/conversations/${id}`, { state: 'connected' });
      assert.equal(c.status, 409);
      assert.equal(c.body.code, 'invalid_state');
      assert.equal((await s.api('GET', `/v1/conversations/${id}`)).body.state, 'disconnected');
    });

    test('invites need a known, connected conversation and a reachable customer', async () => {
      const none = await s.api('POST', '/v1/invites', { conversationId: 'no-such-call' });
      assert.equal(none.status, 404);
      assert.equal(none.body.code, 'conversation_not_found');
      const id = callId();
      await s.api('PUT', `/v1/conversations/${id}`, { state: 'dialing', customer: { id: 'x' } });
      const dialing = await s.api('POST', '/v1/invites', { conversationId: id });
      assert.equal(dialing.status, 409);
      assert.equal(dialing.body.code, 'conversation_not_connected');
      const call = await connectedCall(s);
      const unreachable = await s.api('POST', '/v1/invites', { conversationId: call.id });
      assert.equal(unreachable.status, 422);
      assert.equal(unreachable.body.code, 'customer_unreachable');
      const smsNoPhone = await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['sms'] });
      assert.equal(smsNoPhone.status, 422);
      assert.equal(smsNoPhone.body.code, 'customer_unreachable');
      const invites = await s.api('GET', `/v1/invites?conversationId=${call.id}`);
      assert.equal(invites.body.data.length, 0, 'rejected requests created nothing');
    });
  });
}
