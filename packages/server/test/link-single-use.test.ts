// A link secret can be read by any script on the page it lands on, before the SDK takes it out of
// the address bar. A link therefore opens on one page only: the first page that presents it holds
// it, the same page may present it again (its connection dropped), and any other page is refused
// with a stable code, recorded as an event the agent's timeline shows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './test-server.ts';
import { VisitorClient } from './visitor-client.ts';
import { SHOP_ORIGIN, connectedCall, createDeployment, eventsOf } from './fixtures.ts';

let s: TestServer;
let dep: { key: string; identitySecret: string };

before(async () => {
  s = await startTestServer('pglite');
  dep = await createDeployment(s);
});
after(async () => s?.close());

async function smsInvite(): Promise<{ id: string; conversationId: string; secret: string }> {
  const call = await connectedCall(s, { phone: '+14155550133' });
  const res = await s.api('POST', '/v1/invites', { conversationId: call.id, returnUrl: `${SHOP_ORIGIN}/account` });
  assert.equal(res.status, 201, res.text);
  return { id: res.body.id, conversationId: call.id, secret: (res.body.link as string).split('/j/')[1]! };
}

describe('a link opens on one page only', () => {
  test('the first page holds it; the same page may present it again; another page is refused and the refusal is an event', async () => {
    const inv = await smsInvite();
    const first = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const key = 'a1'.repeat(16);
    assert.equal((await first.request({ type: 'link.redeem', secret: inv.secret, page: key })).type, 'invite');

    // The same page after its connection dropped: a new socket, the same key.
    const again = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    assert.equal((await again.request({ type: 'link.redeem', secret: inv.secret, page: key })).type, 'invite');

    const thief = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const refused = await thief.request({ type: 'link.redeem', secret: inv.secret, page: 'b2'.repeat(16) });
    assert.equal(refused.type, 'error');
    assert.ok(refused.type === 'error' && refused.code === 'link_used_elsewhere', JSON.stringify(refused));
    assert.match(refused.type === 'error' ? refused.message : '', /another page/);
    // The refused page was offered nothing: it cannot answer the invite.
    assert.equal((await thief.request({ type: 'invite.accept', inviteId: inv.id, shown: { companyName: 'x', agentName: 'x', phrase: 'x', text: 'x' } })).type,
      'error');

    const refusals = (await eventsOf(s, inv.conversationId)).filter((e) => e.type === 'invite.link_refused');
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.data.reason, 'opened_on_another_page');

    // The page that holds it still shares.
    assert.equal((await first.acceptInvite(inv.id)).type, 'session.started');
    for (const p of [first, again, thief]) p.close();
  });

  test('a client that sends no page key is bound to its connection', async () => {
    const inv = await smsInvite();
    const first = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    assert.equal((await first.request({ type: 'link.redeem', secret: inv.secret })).type, 'invite');
    const second = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const refused = await second.request({ type: 'link.redeem', secret: inv.secret });
    assert.ok(refused.type === 'error' && refused.code === 'link_used_elsewhere', JSON.stringify(refused));
    first.close();
    second.close();
  });

  test('a link that is over says so, whichever page asks, and is not counted as a second page', async () => {
    const inv = await smsInvite();
    await s.api('DELETE', `/v1/invites/${inv.id}`);
    const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
    const answer = await page.request({ type: 'link.redeem', secret: inv.secret, page: 'c3'.repeat(16) });
    assert.ok(answer.type === 'error' && answer.code === 'invite_not_available', JSON.stringify(answer));
    assert.equal((await eventsOf(s, inv.conversationId)).filter((e) => e.type === 'invite.link_refused').length, 0);
    page.close();
  });
});
