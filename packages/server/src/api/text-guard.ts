import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../shared/domain-error.ts';
import { findUnsafeText } from '../shared/unsafe-text.ts';

/** HTTP Basic credentials as the token endpoint reads them: base64, then percent-decoded (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): string[] | 'undecodable' | null {
  const basic = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!basic) return null;
  try {
    return Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map((part) => decodeURIComponent(part));
  } catch {
    return 'undecodable';
  }
}

function refuse(path: string, message: string): never {
  throw new DomainError('validation_failed', `Fix this and send the request again: ${path} ${message}.`, { errors: [{ path, message }] });
}

/**
 * Every route, once: strings in the path, the query, the body and HTTP Basic credentials must be
 * text the database can store. Runs before schema validation and before any handler.
 */
export function installTextGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (req: FastifyRequest) => {
    const message = 'contains a NUL character or an unpaired UTF-16 surrogate: remove it';
    for (const [part, value] of [['params', req.params], ['querystring', req.query], ['body', req.body]] as const) {
      const path = findUnsafeText(value, part);
      if (path !== null) refuse(path, message);
    }
    const credentials = basicCredentials(req.headers.authorization);
    if (credentials === 'undecodable') refuse('authorization', 'is not valid HTTP Basic: percent-encode client_id and client_secret as UTF-8');
    if (credentials && findUnsafeText(credentials, 'authorization') !== null) refuse('authorization', message);
  });
}
