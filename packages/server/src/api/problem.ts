import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, PROBLEM_TYPE_BASE, type ErrorCode, type Problem } from '@tandem/protocol';
import { wireError } from '../shared/wire-error.ts';

/** Seconds a client waits before retrying while the database is unreachable (the store probes twice a second). */
export const STORE_RETRY_AFTER_SECONDS = 2;

export function problem(code: ErrorCode, requestId: string, detail?: string, extra: Record<string, unknown> = {}): Problem {
  const def = ERROR_CODES[code];
  return { type: PROBLEM_TYPE_BASE + code, code, status: def.status, title: def.title, detail: detail ?? def.detail, requestId, ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}) {
  return reply.code(p.status).headers(headers).type('application/problem+json').send(p);
}

/** Maps Fastify's own errors (validation, parsing, limits) to our codes. */
function fromFastifyError(err: FastifyError, req: FastifyRequest): Problem {
  if (err.validation) {
    const errors = err.validation.map((v) => {
      const path = v.instancePath || '/';
      const params = v.params as Record<string, unknown>;
      const extraField = typeof params.additionalProperty === 'string' ? ` "${params.additionalProperty}"` : '';
      return { path: `${err.validationContext ?? 'body'}${path === '/' ? '' : path}`, message: `${v.message ?? 'is invalid'}${extraField}` };
    });
    return problem('validation_failed', req.id, `Fix these fields and send the request again: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`,
      { errors });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem('unsupported_media_type', req.id, `Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted: send application/json.`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('body_too_large', req.id, `The body is over the ${req.routeOptions.bodyLimit ?? ''} byte limit.`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem('invalid_json', req.id, 'The body is empty but Content-Type is application/json: send a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem('invalid_json', req.id, 'Content-Length does not match the body.');
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return problem('invalid_json', req.id, `The body is not valid JSON (${err.message}).`);
  }
  if (err.statusCode === 429) return problem('rate_limited', req.id);
  // A client fault Fastify knows and this table does not: still the client's, never a 500.
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return problem('bad_request', req.id, `${err.message}.`);
  return problem('internal_error', req.id);
}

/**
 * Faults the router finds before any route runs (Fastify's frameworkErrors): a path that is not
 * valid percent-encoded UTF-8, or a path segment over the router's length limit.
 */
export function frameworkProblem(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0];
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return sendProblem(reply, problem('validation_failed', req.id, `The path ${path} is not valid percent-encoded UTF-8: encode it again.`,
        { errors: [{ path: 'params', message: 'is not valid percent-encoded UTF-8' }] }));
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return sendProblem(reply, problem('uri_too_long', req.id));
    default:
      req.log.error({ err }, 'request failed');
      return sendProblem(reply, problem('internal_error', req.id));
  }
}

/** Codes for faults Node's HTTP parser finds before Fastify sees a request. */
const CLIENT_ERRORS: Record<string, 'headers_too_large' | 'request_timeout'> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

/**
 * Fastify's clientErrorHandler: a request Node could not parse (headers too large, a malformed
 * request line, too slow) still gets problem+json, written on the raw socket.
 */
export function clientErrorProblem(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const p = problem(CLIENT_ERRORS[err.code ?? ''] ?? 'bad_request', '');
  delete p.requestId;
  const body = JSON.stringify(p);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: ` +
        `close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const shaped = wireError(err);
    if (shaped.kind === 'domain') {
      const p = problem(shaped.code, req.id, shaped.detail, shaped.extra);
      // RFC 6749 §5.2: OAuth libraries read `error` and `error_description` at the token endpoint.
      if (req.routeOptions.url === '/oauth/token') Object.assign(p, { error: shaped.code, error_description: shaped.detail });
      const headers: Record<string, string> = {};
      if ((shaped.code === 'rate_limited' || shaped.code === 'idempotency_key_in_use') &&
        typeof shaped.extra.retryAfterSeconds === 'number') headers['retry-after'] = String(shaped.extra.retryAfterSeconds);
      if (shaped.code === 'invalid_token') headers['www-authenticate'] = 'Bearer error="invalid_token"';
      if (shaped.code === 'insufficient_scope') headers['www-authenticate'] =
        `Bearer error="insufficient_scope", scope="${String(shaped.extra.requiredScope)}"`;
      return sendProblem(reply, p, headers);
    }
    if (shaped.kind === 'store_unavailable') {
      req.log.warn({ reason: shaped.reason }, 'database unavailable');
      const p =
        problem('store_unavailable', req.id,
          `The database is not reachable (${shaped.reason}). Retry in ${STORE_RETRY_AFTER_SECONDS} s; send the same Idempotency-Key so a retried POST is not ` +
            `applied twice.`);
      return sendProblem(reply, p, { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) });
    }
    // Not ours: Fastify's own errors (validation, parsing, limits) or a fault.
    const p = fromFastifyError(err, req);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    // OPTIONS is left out: CORS answers preflights on every path.
    const allowed = METHODS.filter((method) => method !== req.method && app.findRoute({ method, url: path }) !== null);
    if (allowed.length) {
      return sendProblem(reply, problem('method_not_allowed', req.id, `${req.method} is not allowed on ${path}: use ${allowed.join(' or ')}.`),
        { allow: allowed.join(', ') });
    }
    return sendProblem(reply, problem('route_not_found', req.id, `No route ${req.method} ${path}: see /docs.`));
  });
}
