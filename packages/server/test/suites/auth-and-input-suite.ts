import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { startTestServer, type DbKind, type TestServer } from '../test-server.ts';
import { callId, connectedCall } from '../fixtures.ts';

/** Tokens, scopes and every kind of bad input: a clear code, and nothing changed. */
export function authAndInputSuite(kind: DbKind) {
  describe(`auth and bad input (${kind})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { TOKEN_RATE_LIMIT: '20', BODY_LIMIT_BYTES: '4096', CODE_RATE_LIMIT_PER_SOURCE: '5', WEBHOOK_ALLOW_PRIVATE: 'true' });
    });
    after(async () => s?.close());

    const tokenReq = (body: Record<string, string>, form = false) =>
      fetch(`${s.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
      });

    test('client credentials by form, JSON and HTTP Basic give a bearer token with the asked scopes', async () => {
      const form =
        await tokenReq({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: 'invites:write events:read' }, true);
      assert.equal(form.status, 200);
      const body = (await form.json()) as Record<string, unknown>;
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.scope, 'invites:write events:read');
      assert.equal(body.expires_in, 900);
      assert.equal(form.headers.get('cache-control'), 'no-store');
      const json = await tokenReq({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret });
      assert.equal(json.status, 200);
      const basic = await fetch(`${s.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      assert.equal(basic.status, 200);
    });

    test('token errors follow RFC 6749 and problem+json at once', async () => {
      const cases: [Record<string, string>, number, string][] = [
        [{ grant_type: 'client_credentials', client_id: s.clientId, client_secret: 'wrong' }, 401, 'invalid_client'],
        [{ grant_type: 'client_credentials', client_id: 'cli_nobody', client_secret: 'x' }, 401, 'invalid_client'],
        [{ grant_type: 'password', client_id: s.clientId, client_secret: s.clientSecret }, 400, 'unsupported_grant_type'],
        [{ client_id: s.clientId, client_secret: s.clientSecret }, 400, 'invalid_request'],
        [{ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret, scope: 'root:all' }, 400, 'invalid_scope'],
      ];
      for (const [body, status, code] of cases) {
        const res = await tokenReq(body);
        const p = (await res.json()) as Record<string, unknown>;
        assert.equal(res.status, status, code);
        assert.equal(p.code, code);
        assert.equal(p.error, code);
        assert.match(res.headers.get('content-type')!, /application\/problem\+json/);
        assert.ok(typeof p.detail === 'string' && p.detail.length > 10);
      }
    });

    test('a missing, forged, expired or wrongly scoped token is refused with the right code', async () => {
      const noToken = await s.api('PUT', `/v1/conversations/${callId()}`, { state: 'connected' }, { token: null });
      assert.equal(noToken.status, 401);
      assert.equal(noToken.body.code, 'invalid_token');
      assert.match(noToken.headers.get('www-authenticate')!, /invalid_token/);

      const real = await s.token();
      const [, payload] = real.split('.');
      const forgedSig = await new SignJWT(JSON.parse(Buffer.from(payload!, 'base64url').toString()))
        .setProtectedHeader({ alg: 'HS256', kid: JSON.parse(Buffer.from(real.split('.')[0]!, 'base64url').toString()).kid })
        .sign(new TextEncoder().encode('a guess at the key'));
      const forged = await s.api('GET', '/v1/events', undefined, { token: forgedSig });
      assert.equal(forged.status, 401);
      assert.equal(forged.body.code, 'invalid_token');

      const [key] = await s.tandem.services.db.query<{ id: string; secret: string }>('SELECT id, secret FROM signing_keys');
      const expiredToken = await new SignJWT({ org: s.orgId, scope: 'events:read' })
        .setProtectedHeader({ alg: 'HS256', kid: key!.id }).setIssuer('tandem').setAudience('api').setSubject(s.clientId)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 3600).setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(Buffer.from(key!.secret, 'base64'));
      const expired = await s.api('GET', '/v1/events', undefined, { token: expiredToken });
      assert.equal(expired.status, 401);
      assert.equal(expired.body.code, 'invalid_token');
      assert.match(expired.body.detail, /expired/);

      const narrow = await s.token(['events:read']);
      const id = callId();
      const scoped = await s.api('PUT', `/v1/conversations/${id}`, { state: 'connected' }, { token: narrow });
      assert.equal(scoped.status, 403);
      assert.equal(scoped.body.code, 'insufficient_scope');
      assert.equal(scoped.body.requiredScope, 'conversations:write');
      assert.match(scoped.body.detail, /conversations:write/);
      assert.equal((await s.api('GET', `/v1/conversations/${id}`)).status, 404, 'nothing was created');
    });

    test('a read-only token (sessions:read) can read invites but not create them', async () => {
      const call = await connectedCall(s);
      const inv = (await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] })).body;
      const reader = await s.token(['sessions:read']);
      assert.equal((await s.api('GET', `/v1/invites/${inv.id}`, undefined, { token: reader })).status, 200);
      assert.equal((await s.api('GET', `/v1/invites?conversationId=${call.id}`, undefined, { token: reader })).body.data.length, 1);
      const create = await s.api('POST', '/v1/invites', { conversationId: call.id, channels: ['code'] }, { token: reader });
      assert.equal(create.status, 403);
      assert.equal(create.body.requiredScope, 'invites:write');
    });

    test('a revoked client can no longer get tokens', async () => {
      const { client, secret } = await s.tandem.services.clients.create(s.orgId, 'temp', ['events:read']);
      assert.equal((await tokenReq({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret })).status, 200);
      await s.tandem.services.clients.revoke(s.orgId, client.id);
      const res = await tokenReq({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret });
      assert.equal(res.status, 401);
    });

    test('tokens and keys survive a restart', async () => {
      const token = await s.token();
      await s.stop();
      await s.restart();
      const res = await s.api('GET', '/v1/events?limit=1', undefined, { token });
      assert.equal(res.status, 200);
    });

    test('unknown fields, wrong types, malformed JSON and oversized bodies are refused and change nothing', async () => {
      const id = callId('bad');
      const cases: [unknown, number, string, RegExp?][] = [
        [{ state: 'connected', customer: { id: 'c1' }, extra: 1 }, 400, 'validation_failed', /extra/],
        [{ state: 'connected', customer: { id: 'c1', ssn: '123' } }, 400, 'validation_failed', /ssn/],
        [{ state: 'on-hold' }, 400, 'validation_failed', /state/],
        [{ state: 5 }, 400, 'validation_failed'],
        [{ state: 'connected', agent: { name: 'no id' } }, 400, 'validation_failed', /id/],
        ['{"state": "connected",', 400, 'invalid_json'],
        [JSON.stringify({ state: 'connected', customer: { name: 'x'.repeat(5000) } }), 413, 'body_too_large'],
        [{ state: 'connected', customer: { phone: 'call me maybe' } }, 422, 'invalid_phone'],
      ];
      for (const [body, status, code, detail] of cases) {
        const res = await s.api('PUT', `/v1/conversations/${id}`, body);
        assert.equal(res.status, status, `${code}: ${res.text}`);
        assert.equal(res.body.code, code);
        assert.ok(res.body.requestId, 'requestId in the body');
        assert.equal(res.headers.get('x-request-id'), res.body.requestId);
        if (detail) assert.match(res.body.detail, detail);
      }
      const xml = await s.api('PUT', `/v1/conversations/${id}`, '<state/>', { headers: { 'content-type': 'application/xml' } });
      assert.equal(xml.status, 415);
      assert.equal(xml.body.code, 'unsupported_media_type');
      assert.equal((await s.api('GET', `/v1/conversations/${id}`)).status, 404, 'nothing was created');
      assert.equal((await s.api('GET', `/v1/events?conversationId=${id}`)).body.data.length, 0, 'no event was written');
    });

    test('invite bodies are validated: channels, expiry, return url', async () => {
      const call = await connectedCall(s);
      const cases: [unknown, string][] = [
        [{ conversationId: call.id, channels: ['fax'] }, 'validation_failed'],
        [{ conversationId: call.id, channels: [] }, 'validation_failed'],
        [{ conversationId: call.id, expiresInSeconds: 5 }, 'validation_failed'],
        [{ conversationId: call.id, expiresInSeconds: '600' }, 'validation_failed'],
        [{ conversationId: call.id, returnUrl: 'javascript:alert(1)' }, 'validation_failed'],
        [{ conversationID: call.id }, 'validation_failed'],
      ];
      for (const [body, code] of cases) {
        const res = await s.api('POST', '/v1/invites', body);
        assert.equal(res.body.code, code, JSON.stringify(body));
        assert.equal(res.status, 400);
      }
      assert.equal((await s.api('GET', `/v1/invites?conversationId=${call.id}`)).body.data.length, 0);
    });

    test('Idempotency-Key: same key and body replays the first answer; another body is refused', async () => {
      const call = await connectedCall(s);
      const key = `click-${Date.now()}`;
      const body = { conversationId: call.id, channels: ['code'] };
      const first = await s.api('POST', '/v1/invites', body, { headers: { 'idempotency-key': key } });
      const again = await s.api('POST', '/v1/invites', body, { headers: { 'idempotency-key': key } });
      assert.equal(first.status, 201);
      assert.equal(again.status, 201);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const other = await s.api('POST', '/v1/invites', { ...body, expiresInSeconds: 60 }, { headers: { 'idempotency-key': key } });
      assert.equal(other.status, 422);
      assert.equal(other.body.code, 'idempotency_key_reused');
      assert.equal((await s.api('GET', `/v1/invites?conversationId=${call.id}`)).body.data.length, 1, 'one invite only');
      const racing = await Promise.all(Array.from({ length: 4 }, () => s.api('POST', '/v1/invites', body, { headers: { 'idempotency-key': `${key}-race` } })));
      const ids = new Set(racing.filter((r) => r.status === 201).map((r) => r.body.id));
      assert.equal(ids.size, 1, 'concurrent retries create one invite');
      assert.ok(racing.every((r) => r.status === 201 || r.body.code === 'idempotency_key_in_use'));
    });

    test('Idempotency-Key held by a request that died: once its lease ends a retry gets what it committed, or does the work once', async () => {
      const db = s.tandem.services.db;
      const setKey = (key: string, sql: string, params: unknown[]) =>
        db.query(`UPDATE idempotency_keys SET ${sql} WHERE org_id = $1 AND key = $2`, [s.orgId, key, ...params]);
      // Died after committing its invite: the key is pending with the invite bound to it.
      const call = await connectedCall(s);
      const body = { conversationId: call.id, channels: ['code'] };
      const key = `died-after-${Date.now()}`;
      const first = await s.api('POST', '/v1/invites', body, { headers: { 'idempotency-key': key } });
      await setKey(key, "state = 'pending', status = NULL, body = NULL, owner = 'dead', lease_until = $3", [new Date(Date.now() + 60_000)]);
      const busy = await s.api('POST', '/v1/invites', body, { headers: { 'idempotency-key': key } });
      assert.equal(busy.status, 409);
      assert.equal(busy.body.code, 'idempotency_key_in_use');
      assert.ok(Number(busy.headers.get('retry-after')) > 0, 'says when to retry');
      await setKey(key, 'lease_until = $3', [new Date(Date.now() - 1)]);
      const taken = await s.api('POST', '/v1/invites', body, { headers: { 'idempotency-key': key } });
      assert.equal(taken.status, 201, taken.text);
      assert.equal(taken.body.id, first.body.id, 'the committed invite, not a second one');
      assert.equal((await s.api('GET', `/v1/invites?conversationId=${call.id}`)).body.data.length, 1);
      assert.equal((await s.api('POST', '/v1/invites', body, { headers: { 'idempotency-key': key } })).body.id, first.body.id, 'replayed from now on');

      // Died before committing anything: the retry does the work, once.
      const call2 = await connectedCall(s);
      const body2 = { conversationId: call2.id, channels: ['code'] };
      const key2 = `died-before-${Date.now()}`;
      const fingerprint = createHash('sha256').update(`POST /v1/invites\n{}\n${JSON.stringify(body2)}`).digest('hex');
      await db.query("INSERT INTO idempotency_keys (org_id, key, fingerprint, state, owner, lease_until) VALUES ($1, $2, $3, 'pending', 'dead', $4)",
        [s.orgId, key2, fingerprint, new Date(Date.now() - 1)]);
      const retried = await Promise.all([0, 1, 2].map(() => s.api('POST', '/v1/invites', body2, { headers: { 'idempotency-key': key2 } })));
      assert.ok(retried.every((r) => r.status === 201 || r.body.code === 'idempotency_key_in_use'), JSON.stringify(retried.map((r) => r.status)));
      assert.equal((await s.api('GET', `/v1/invites?conversationId=${call2.id}`)).body.data.length, 1, 'created once');

      // The same for a webhook endpoint: the retry gets the endpoint and its secret, not a second one.
      const hookKey = `died-hook-${Date.now()}`;
      const hook = { url: 'http://127.0.0.1:9/died', events: ['invite.created'] };
      const made = await s.api('POST', '/v1/webhooks', hook, { headers: { 'idempotency-key': hookKey } });
      await setKey(hookKey, "state = 'pending', status = NULL, body = NULL, owner = 'dead', lease_until = $3", [new Date(Date.now() - 1)]);
      const remade = await s.api('POST', '/v1/webhooks', hook, { headers: { 'idempotency-key': hookKey } });
      assert.equal(remade.status, 201, remade.text);
      assert.deepEqual([remade.body.id, remade.body.secret], [made.body.id, made.body.secret]);
      assert.equal((await s.api('GET', '/v1/webhooks')).body.data.filter((w: { url: string }) => w.url === hook.url).length, 1);
      await s.api('DELETE', `/v1/webhooks/${made.body.id}`);
    });

    test('claiming codes: wrong codes get one generic error and are rate-limited with Retry-After', async () => {
      const call = await connectedCall(s);
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<TestServer['api']>> | null = null;
      for (let i = 0; i < 8; i++) {
        const res = await s.api('POST', '/v1/invites/claim', { code: String(200000 + i), conversationId: call.id });
        statuses.push(res.status);
        if (res.status === 429) {
          limited = res;
          break;
        }
        assert.equal(res.body.code, 'invalid_code');
      }
      assert.ok(limited, `limited after 5 misses: ${statuses}`);
      assert.equal(limited.body.code, 'rate_limited');
      // The fifth miss locks this caller out for longer than the one-minute counting window.
      assert.ok(Number(limited.headers.get('retry-after')) > 60, `retry-after ${limited.headers.get('retry-after')}`);
      const attempts = (await s.api('GET', '/v1/code-attempts?limit=20')).body.data as { kind: string; outcome: string; conversationId: string }[];
      const mine = attempts.filter((a) => a.kind === 'claim' && a.conversationId === call.id);
      assert.equal(mine.filter((a) => a.outcome === 'miss').length, 5, 'every miss is audited');
      assert.equal(mine.filter((a) => a.outcome === 'locked').length, 1, 'the refused attempt is audited too');
    });

    test('token requests are rate-limited per client with Retry-After', async () => {
      let res: Response | null = null;
      for (let i = 0; i < 25; i++) {
        res = await tokenReq({ grant_type: 'client_credentials', client_id: 'cli_flood', client_secret: 'x' });
        if (res.status === 429) break;
      }
      assert.equal(res!.status, 429);
      assert.ok(Number(res!.headers.get('retry-after')) >= 1);
      const ok = await tokenReq({ grant_type: 'client_credentials', client_id: s.clientId, client_secret: s.clientSecret });
      assert.equal(ok.status, 200, 'other clients are unaffected');
    });

    test('the code-attempt audit validates its paging parameters', async () => {
      const bad = await s.api('GET', '/v1/code-attempts?cursor=abc');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'validation_failed');
      const extra = await s.api('GET', '/v1/code-attempts?limit=1000');
      assert.equal(extra.body.code, 'validation_failed');
      const noScope = await s.api('GET', '/v1/code-attempts', undefined, { token: await s.token(['invites:write']) });
      assert.equal(noScope.body.code, 'insufficient_scope');
    });

    test('unknown routes and ids answer with problem codes', async () => {
      const route = await s.api('GET', '/v1/nothing-here');
      assert.equal(route.status, 404);
      assert.equal(route.body.code, 'route_not_found');
      assert.equal((await s.api('GET', '/v1/invites/inv_nope')).body.code, 'invite_not_found');
      assert.equal((await s.api('GET', '/v1/sessions/ses_nope')).body.code, 'session_not_found');
      assert.equal((await s.api('GET', '/v1/conversations/nope')).body.code, 'conversation_not_found');
      assert.equal((await s.api('DELETE', '/v1/webhooks/wh_nope')).body.code, 'webhook_not_found');
      assert.equal((await s.api('POST', '/v1/sessions/ses_nope/end', {})).body.code, 'session_not_found');
    });

    test('deployments: origins are validated; the identity secret is shown once', async () => {
      const bad = await s.api('POST', '/v1/deployments', { name: 'x', allowedOrigins: ['https://shop.example.com/path'] });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.code, 'invalid_origin');
      const ok = await s.api('POST', '/v1/deployments', { name: 'Shop', allowedOrigins: ['https://shop.example.com', 'http://localhost:3000'] });
      assert.equal(ok.status, 201);
      assert.ok(ok.body.identitySecret.length >= 40);
      assert.match(ok.body.key, /^pk_/);
      const list = await s.api('GET', '/v1/deployments');
      assert.ok(list.body.data.every((d: Record<string, unknown>) => !('identitySecret' in d)));
    });

    test('agent tokens point at the console of a known call', async () => {
      const call = await connectedCall(s);
      const res = await s.api('POST', '/v1/agent-tokens', { agentId: 'agent-7', conversationId: call.id });
      assert.equal(res.status, 201);
      assert.equal(res.body.consoleUrl, `${s.config.publicUrl}/console#token=${res.body.token}`);
      const claims = await s.tandem.services.tokens.verifyAgent(res.body.token);
      assert.equal(claims.conversationId, call.id);
      await assert.rejects(s.tandem.services.tokens.verifyAccess(res.body.token), 'an agent token is not an API token');
      const unknown = await s.api('POST', '/v1/agent-tokens', { agentId: 'a', conversationId: 'no-such' });
      assert.equal(unknown.body.code, 'conversation_not_found');
    });
  });
}
