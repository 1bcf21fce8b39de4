import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/domain-error.ts';

/**
 * A NUL character (Postgres text cannot hold it) or a UTF-16 surrogate without its pair (it has
 * no UTF-8 form): either would fail at the database as a 500, or be stored mangled.
 */
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string or key in `value` that holds unsafe text; null when there is none. */
export function findUnsafeText(value: unknown, root: string): string | null {
  // Iterative: a deeply nested body must not exhaust the stack.
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSAFE_TEXT.test(v)) return path;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}/${i}`]));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (UNSAFE_TEXT.test(k)) return `${path}/${k.replace(UNSAFE_TEXT, '?')}`;
        stack.push([item, `${path}/${k}`]);
      }
    }
  }
  return null;
}

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
