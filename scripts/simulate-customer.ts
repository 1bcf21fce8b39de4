/**
 * Plays the customer for the README walkthrough when no browser is at hand: opens the SMS link
 * (or types the code the agent read), sees the prompt and clicks Share, over the same visitor
 * WebSocket the browser SDK uses.
 *
 *   npx tsx scripts/simulate-customer.ts --link http://127.0.0.1:8080/j/...
 *   npx tsx scripts/simulate-customer.ts --code 123456 --deployment pk_... --origin https://shop.example.com [--server http://127.0.0.1:8080]
 *   add --decline to say no instead
 */
import { parseArgs } from 'node:util';
import { VisitorClient } from '../packages/server/test/visitor-client.ts';

const { values } = parseArgs({
  options: {
    link: { type: 'string' },
    code: { type: 'string' },
    deployment: { type: 'string' },
    origin: { type: 'string' },
    server: { type: 'string', default: process.env.TANDEM_URL ?? 'http://127.0.0.1:8080' },
    decline: { type: 'boolean', default: false },
  },
});

async function main() {
  let page: VisitorClient;
  let offered;
  if (values.link) {
    const hop = await fetch(values.link, { redirect: 'manual' });
    const location = hop.headers.get('location');
    if (hop.status !== 302 ||
      !location) throw new Error(`the link did not redirect (HTTP ${hop.status}): ${(await hop.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()}`);
    const target = new URL(location);
    const secret = new URLSearchParams(target.hash.slice(1)).get('tandem');
    if (!secret) throw new Error(`no #tandem= fragment in ${location}`);
    const server = new URL(values.link).origin;
    const key = values.deployment ?? (await findDeploymentKey(server, target.origin));
    page = await VisitorClient.connect(server, key, target.origin);
    offered = await page.request({ type: 'link.redeem', secret });
  } else if (values.code && values.deployment && values.origin) {
    page = await VisitorClient.connect(values.server!, values.deployment, values.origin);
    offered = await page.request({ type: 'code.enter', code: values.code });
  } else {
    throw new Error('give --link, or --code with --deployment and --origin');
  }
  if (offered.type !== 'invite') throw new Error(`no invite: ${JSON.stringify(offered)}`);
  const inv = offered.invite;
  console.log(`Prompt: ${inv.companyName} — ${inv.agentName} would like to see this tab. Matching phrase: "${inv.phrase}"`);
  await page.request({ type: 'invite.open', inviteId: inv.inviteId });
  if (values.decline) {
    await page.request({ type: 'invite.decline', inviteId: inv.inviteId });
    console.log('Declined.');
  } else {
    const started = await page.request({
      type: 'invite.accept',
      inviteId: inv.inviteId,
      shown: { companyName: inv.companyName, agentName: inv.agentName, phrase: inv.phrase,
        text: `${inv.agentName} from ${inv.companyName} will see this tab. Passwords and card numbers stay hidden. Check that your agent sees the same ` +
          `words: ${inv.phrase}` },
    });
    if (started.type !== 'session.started') throw new Error(`not started: ${JSON.stringify(started)}`);
    console.log(`Shared. Session ${started.sessionId} started.`);
  }
  page.close();
}

/** The link names the site, not the deployment key; the script tag on that site would know it. */
async function findDeploymentKey(server: string, origin: string): Promise<string> {
  const token = process.env.TOKEN;
  if (!token) throw new Error('pass --deployment pk_... (or set TOKEN to an access token so it can be looked up)');
  const res = await fetch(`${server}/v1/deployments`, { headers: { authorization: `Bearer ${token}` } });
  const list = (await res.json()) as { data: { key: string; allowedOrigins: string[] }[] };
  const dep = list.data.find((d) => d.allowedOrigins.includes(origin));
  if (!dep) throw new Error(`no deployment allows ${origin}`);
  return dep.key;
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
