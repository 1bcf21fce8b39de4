import assert from 'node:assert/strict';
import type { ConsentShown } from '@tandem/protocol';
import { SHOP_ORIGIN, connectedCall } from './fixtures.ts';
import type { TestServer } from './test-server.ts';
import { VisitorClient } from './visitor-client.ts';

/** What the setup needs of a server: its URL and API (an in-process test server or a child process). */
type ServerOf = Pick<TestServer, 'api' | 'url'>;

export interface StartedSession {
  call: { id: string; customer: { id: string } };
  /** The customer's page, identified, with the session it accepted. */
  page: VisitorClient;
  /** The invite as POST /v1/invites answered it. */
  invite: { id: string; phrase: string };
  /** What the prompt showed when the customer clicked Share (stored in the consent record). */
  shown: ConsentShown;
  sessionId: string;
  captureToken: string;
}

/**
 * The setup most session tests start from: a connected call, its customer's page identified on the
 * deployment, an invite pushed to that page, and the customer's Share on its prompt (`shown` changes
 * what that prompt showed). Fails the test, saying what the page got instead, unless a session started.
 */
export async function startedSession(
  s: ServerOf,
  dep: { key: string; identitySecret: string },
  opts: { shown?: (invite: { id: string; phrase: string }) => Partial<ConsentShown> } = {},
): Promise<StartedSession> {
  const call = await connectedCall(s);
  const page = await VisitorClient.connect(s.url, dep.key, SHOP_ORIGIN);
  await page.identify(dep.identitySecret, call.customer.id);
  const created = await s.api('POST', '/v1/invites', { conversationId: call.id });
  assert.equal(created.status, 201, created.text);
  const invite = created.body as { id: string; phrase: string };
  await page.waitFor('invite');
  // An honest prompt for this invite, with what the test changes in it.
  const shown = { ...page.shownFor(invite.id), ...opts.shown?.(invite) };
  const started = await page.acceptInvite(invite.id, shown);
  assert.ok(started.type === 'session.started', `the customer's Share started no session: ${JSON.stringify(started)}`);
  return { call, page, invite, shown, sessionId: started.sessionId, captureToken: started.captureToken };
}
