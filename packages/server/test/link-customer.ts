import assert from 'node:assert/strict';
import { VisitorClient } from './visitor-client.ts';

/**
 * The customer taps the invite's SMS link: Tandem redirects to the site with the secret in the
 * fragment, and the site's page (here a VisitorClient on `origin`) redeems it. Returns the page,
 * ready to accept or decline; the caller closes it.
 */
export async function customerOpensLink(baseUrl: string, deploymentKey: string, origin: string, link: string, inviteId: string,
  timeoutMs = 15_000): Promise<VisitorClient> {
  const hop = await fetch(link, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  assert.equal(hop.status, 302, `the link ${link} should redirect to the site`);
  const secret = /#tandem=([0-9a-z]+)$/.exec(hop.headers.get('location') ?? '')?.[1];
  assert.ok(secret, `no #tandem= fragment in ${hop.headers.get('location')}`);
  const page = await VisitorClient.connect(baseUrl, deploymentKey, origin);
  const offered = await page.request({ type: 'link.redeem', secret });
  if (offered.type !== 'invite' || offered.invite.inviteId !== inviteId) {
    page.close();
    assert.fail(`the link offered ${JSON.stringify(offered)}, not invite ${inviteId}`);
  }
  return page;
}
