import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Services } from '../wiring/services.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1.5rem;` +
  `color:#1f2937}h1{font-size:1.4rem}</style></head>
<body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}

const WHY: Record<string, [string, string]> = {
  expired: ['This link has expired', 'Links to share your screen work for a few minutes only. Ask the person you are speaking with to send a new one.'],
  accepted: ['This link has already been used', 'Each link works once. If you still need help, ask the person you are speaking with to send a new one.'],
  declined:
    ['This link has already been used', 'You declined this invitation. If you changed your mind, ask the person you are speaking with to send a new one.'],
  revoked: ['This link is no longer valid', 'The invitation was withdrawn, or the call has ended.'],
};

/** The SMS deep link: opens the invite and sends the customer to the site with the secret in the fragment. */
export function linkRoutes(app: FastifyInstance, s: Services) {
  app.get('/j/:secret', {
    schema: {
      tags: ['customer'],
      summary: 'Deep link from an SMS',
      description:
        'Redirects to returnUrl#tandem=<secret> (a fragment, so the secret never reaches the site\'s server logs). An unknown, expired or used link gets an ' +
          'HTML page that says so.',
      params: Type.Object({ secret: Type.String({ maxLength: 128 }) }),
      response: { 302: Type.Null(), 404: Type.String(), 410: Type.String() },
    },
  }, async (req, reply) => {
    const { secret } = req.params as { secret: string };
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const result = /^[0-9a-z]{16,64}$/.test(secret) ? await s.invites.openByLink(secret) : null;
    if (!result) {
      return reply.code(404).type('text/html; charset=utf-8').send(page('This link is not valid',
        'Check that you opened the whole link from the message. If it still does not work, ask the person you are speaking with for a new one.'));
    }
    if (!result.usable) {
      const [title, text] = WHY[result.why ?? 'revoked'] ?? WHY.revoked!;
      return reply.code(410).type('text/html; charset=utf-8').send(page(title, text));
    }
    if (!result.invite.returnUrl) {
      return reply.code(404).type('text/html; charset=utf-8').send(page('Almost there', 'Open the company\'s website on this device to continue.'));
    }
    const target = new URL(result.invite.returnUrl);
    target.hash = `tandem=${secret}`;
    return reply.redirect(target.toString(), 302);
  });
}
