import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ASSET_MAX_BYTES } from '@tandem/protocol';
import type { AgentClaims } from '../auth/token-service.ts';
import { DomainError } from '../shared/domain-error.ts';
import { responses } from './route-schema.ts';
import { assetFetcher, type AssetFetch } from './asset-fetcher.ts';
import type { Services } from '../wiring/services.ts';

/** Fetches a session may have made in all (a page names a few hundred assets at most). */
export const ASSET_FETCHES_PER_SESSION = 500;
/** Fetches of one session under way at once. */
export const ASSET_FETCHES_AT_ONCE = 4;
// The sessions whose counts are kept (the oldest are forgotten first): bounded memory on a long-lived node.
const SESSIONS_TRACKED = 10_000;

export interface AssetRouteOptions {
  fetch?: AssetFetch;
  perSession?: number;
  atOnce?: number;
}

/** Counts one node's fetches per session (a console stays on one node for its link's life). */
class SessionBudget {
  private readonly used = new Map<string, { total: number; active: number }>();

  constructor(private readonly perSession: number, private readonly atOnce: number) {}

  take(sessionId: string): () => void {
    let entry = this.used.get(sessionId);
    if (!entry) {
      entry = { total: 0, active: 0 };
      this.used.set(sessionId, entry);
      if (this.used.size > SESSIONS_TRACKED) this.used.delete(this.used.keys().next().value!);
    }
    if (entry.total >= this.perSession) throw new DomainError('asset_limit_reached', `A session fetches at most ${this.perSession} assets.`);
    if (entry.active >= this.atOnce) throw new DomainError('asset_limit_reached', `A session fetches at most ${this.atOnce} assets at once.`);
    entry.total++;
    entry.active++;
    const held = entry;
    return () => {
      held.active--;
    };
  }
}

/** The agent token of a console, sent as a Bearer (the console's link uses the same token). */
async function agentOf(req: FastifyRequest, s: Services): Promise<AgentClaims> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) throw new DomainError('invalid_token', 'Send the console\'s agent token as `Authorization: Bearer <token>`.');
  return s.tokens.verifyAgent(token);
}

export function assetRoutes(app: FastifyInstance, s: Services, options: AssetRouteOptions = {}) {
  const config = s.config.assetProxy;
  const fetchAsset = options.fetch ?? assetFetcher({ allow: config.allow, maxBytes: ASSET_MAX_BYTES, timeoutMs: 5000, maxRedirects: 3 });
  const budget = new SessionBudget(options.perSession ?? ASSET_FETCHES_PER_SESSION, options.atOnce ?? ASSET_FETCHES_AT_ONCE);

  app.get('/v1/sessions/:id/asset', {
    schema: {
      tags: ['agents'],
      summary: 'A picture, font or style sheet the customer\'s page shows but may not read, fetched for the agent\'s console',
      description: 'Authenticated with the console\'s agent token (`Authorization: Bearer <token>`), for an active session of its call. ' +
        'Tandem fetches the URL without cookies or credentials, from public addresses only (ASSET_PROXY_ALLOW names exceptions), ' +
        `following at most 3 redirects, within 5 s and ${ASSET_MAX_BYTES} bytes; it answers a picture or font by its first bytes ` +
        '(never SVG) or a response served as text/css, with the type it found.',
      params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
      querystring: Type.Object({ url: Type.String({ minLength: 1, maxLength: 8192 }) }, { additionalProperties: false }),
      response: responses({ 200: Type.String({ description: 'The asset\'s bytes', format: 'binary' }) }, [404, 413, 415, 502]),
    },
  }, async (req, reply) => {
    const claims = await agentOf(req, s);
    if (!config.enabled) throw new DomainError('asset_proxy_off');
    const { id } = req.params as { id: string };
    const session = await s.sessions.get(claims.orgId, id);
    // Only the session of the console's own call, while the customer shares it.
    if (session.conversationId !== claims.conversationId || session.state !== 'active') throw new DomainError('session_not_found');
    const release = budget.take(id);
    try {
      const asset = await fetchAsset((req.query as { url: string }).url);
      return reply
        .header('content-type', asset.type)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'default-src \'none\'')
        .header('cache-control', 'private, max-age=300')
        .send(Buffer.from(asset.bytes.buffer, asset.bytes.byteOffset, asset.bytes.byteLength));
    } finally {
      release();
    }
  });
}
