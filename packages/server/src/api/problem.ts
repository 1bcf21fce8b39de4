import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, PROBLEM_TYPE_BASE, type ErrorCode, type Problem } from '@tandem/protocol';
import { DomainError } from '../domain/domain-error.ts';

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
    return problem('validation_failed', req.id, `Fix these fields and send the request again: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, { errors });
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
  return problem('internal_error', req.id);
}

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      const p = problem(err.code, req.id, err.detail, err.extra);
      // RFC 6749 §5.2: OAuth libraries read `error` and `error_description` at the token endpoint.
      if (req.routeOptions.url === '/oauth/token') Object.assign(p, { error: err.code, error_description: err.detail });
      const headers: Record<string, string> = {};
      if ((err.code === 'rate_limited' || err.code === 'idempotency_key_in_use') && typeof err.extra.retryAfterSeconds === 'number') headers['retry-after'] = String(err.extra.retryAfterSeconds);
      if (err.code === 'invalid_token') headers['www-authenticate'] = 'Bearer error="invalid_token"';
      if (err.code === 'insufficient_scope') headers['www-authenticate'] = `Bearer error="insufficient_scope", scope="${String(err.extra.requiredScope)}"`;
      return sendProblem(reply, p, headers);
    }
    const p = fromFastifyError(err, req);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, problem('route_not_found', req.id, `No route ${req.method} ${req.url.split('?')[0]}: see /docs.`)));
}
