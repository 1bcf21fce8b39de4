import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp, loadConfig, type TandemApp } from '@tandem/server';
// The server's own stand-in for the SDK in a customer's page, speaking the visitor protocol.
import { VisitorClient } from '../../server/test/visitor-client.ts';
import { isTandemApiError } from './tandem-error.ts';
import { TandemClient } from './tandem-client.ts';

const SHOP_ORIGIN = 'https://shop.example.test';

describe('TandemClient against the real server', () => {
  let tandem: TandemApp;
  let client: TandemClient;
  let baseUrl: string;
  let deploymentKey: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-client-'));

  before(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEBHOOK_ALLOW_PRIVATE: 'true' });
    tandem = await buildApp({ config, heartbeatMs: 200 });
    baseUrl = await tandem.listen();
    const { clientId, clientSecret } = tandem.bootstrap!;
    client = new TandemClient({ baseUrl, clientId, clientSecret });
    const deployment = await client.deployments.create({ name: 'Acme shop', companyName: 'Acme', allowedOrigins: [SHOP_ORIGIN] });
    deploymentKey = deployment.key;
  });
  after(async () => {
    await tandem.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the seed flow: the session that started before waitFor was called is found', async () => {
    const callId = `call-${Date.now()}`;
    await client.conversations.upsert(callId, { state: 'connected', customer: { id: 'cust-42', phone: '+14155550123' }, agent: { id: 'a-7', name: 'Dana' } });
    const invite = await client.invites.create({ conversationId: callId });
    assert.match(invite.code, /^\d+$/);

    // The customer types the code the agent read aloud and clicks Share, all before waitFor.
    const customer = await VisitorClient.connect(baseUrl, deploymentKey, SHOP_ORIGIN);
    try {
      const offered = await customer.request({ type: 'code.enter', code: invite.code });
      assert.equal(offered.type, 'invite');
      const accepted = await customer.acceptInvite(invite.id);
      assert.equal(accepted.type, 'session.started');

      const started = await client.waitFor('session.started', { conversationId: callId, timeoutMs: 5000 });
      assert.equal(started.inviteId, invite.id);
      assert.ok(started.sessionId);

      // This one happens after waitFor is listening: it arrives by the stream.
      const ended = client.waitFor('session.ended', { conversationId: callId, sessionId: started.sessionId, timeoutMs: 5000 });
      await client.conversations.upsert(callId, { state: 'disconnected' });
      assert.equal((await ended).data.reason, 'call_ended');
      assert.equal((await client.sessions.get(started.sessionId)).state, 'ended');
    } finally {
      customer.close();
    }

    const error = await client.invites.create({ conversationId: callId }).catch((e: unknown) => e);
    assert.ok(isTandemApiError(error, 'conversation_not_connected'), String(error));
    assert.equal(error.status, 409);
    assert.ok(error.requestId);
  });

  it('sets a deployment\'s language; an unknown one is a typed unsupported_locale error', async () => {
    const [deployment] = (await client.deployments.list()).data;
    const updated = await client.deployments.update(deployment!.id, { locale: 'pt-BR' });
    assert.equal(updated.locale, 'pt-BR');
    await assert.rejects(client.deployments.update(deployment!.id, { locale: 'tlh' }),
      (err: unknown) => isTandemApiError(err) && err.code === 'unsupported_locale');
    assert.equal((await client.deployments.update(deployment!.id, { locale: null })).locale, null);
  });

  it('reads back what the seed flow left, in the shapes the types promise', async () => {
    const callId = `call-shapes-${Date.now()}`;
    await client.conversations.upsert(callId, { state: 'connected', customer: { id: 'cust-7', phone: '+14155550199' }, agent: { id: 'a-7' } });
    const invite = await client.invites.create({ conversationId: callId }, { idempotencyKey: `inv-${callId}` });
    const again = await client.invites.create({ conversationId: callId }, { idempotencyKey: `inv-${callId}` });
    assert.equal(again.id, invite.id, 'the same Idempotency-Key gives back the same invite');

    assert.deepEqual((await client.invites.list({ conversationId: callId })).data.map((i) => i.id), [invite.id]);
    const sms = await client.sms.outbox({ to: '+14155550199' });
    assert.equal(sms.data[0]?.inviteId, invite.id);
    const audit = await client.conversations.audit(callId);
    assert.ok(audit.data.some((entry) => entry.type === 'invite.created'));
    const events = await client.events.list({ conversationId: callId, types: ['invite.created'] });
    assert.equal(events.data[0]?.inviteId, invite.id);
    assert.equal(events.nextCursor, String(events.data[0]?.seq));
    assert.equal((await client.invites.revoke(invite.id)).state, 'revoked');

    const agentToken = await client.agentTokens.create({ agentId: 'a-7', conversationId: callId });
    assert.match(agentToken.consoleUrl, /\/console#token=/);

    const hook = await client.webhooks.create({ url: 'http://127.0.0.1:9/hook', events: ['session.started'] });
    assert.match(hook.secret, /^whsec_/);
    assert.ok((await client.webhooks.list()).data.some((w) => w.id === hook.id));
    await client.webhooks.delete(hook.id);
    const gone = await client.webhooks.delete(hook.id).catch((e: unknown) => e);
    assert.ok(isTandemApiError(gone, 'webhook_not_found'), String(gone));
  });
});
