import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, PROBLEM_TYPE_BASE } from '@tandem/protocol';
import { errorFromResponse, isTandemApiError, parseRetryAfter, TandemApiError, TandemConnectionError, TandemError } from './tandem-error.ts';

const problemHeaders = new Headers({ 'content-type': 'application/problem+json' });

describe('errorFromResponse', () => {
  it('keeps every field of a Tandem problem, extensions included', () => {
    const body = {
      type: `${PROBLEM_TYPE_BASE}validation_failed`,
      code: 'validation_failed',
      status: 400,
      title: ERROR_CODES.validation_failed.title,
      detail: 'Fix the fields.',
      requestId: 'req-1',
      errors: [{ path: '/state', message: 'must be one of dialing, connected, disconnected' }],
    };
    const error = errorFromResponse(400, problemHeaders, JSON.stringify(body));
    assert.ok(error instanceof TandemError);
    assert.equal(error.code, 'validation_failed');
    assert.equal(error.status, 400);
    assert.equal(error.detail, 'Fix the fields.');
    assert.equal(error.requestId, 'req-1');
    assert.deepEqual(error.body, body);
    assert.equal(error.name, 'TandemApiError');
  });

  it('maps a problem with a code this client does not know by its status, keeping the code', () => {
    const body = { type: 'x', code: 'brand_new_code', status: 429, title: 'Slow down', detail: 'Later.' };
    const error = errorFromResponse(429, new Headers({ 'retry-after': '3' }), JSON.stringify(body));
    assert.equal(error.code, 'rate_limited');
    assert.equal(error.title, 'Slow down');
    assert.equal(error.body.receivedCode, 'brand_new_code');
    assert.equal(error.retryAfter, 3);
  });

  it('turns a body that is not a problem into internal_error with its text', () => {
    const error = errorFromResponse(504, new Headers({ 'x-request-id': 'edge-9' }), 'upstream timed out');
    assert.equal(error.code, 'internal_error');
    assert.equal(error.status, 504);
    assert.equal(error.detail, 'upstream timed out');
    assert.equal(error.requestId, 'edge-9');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('120'), 120);
    assert.equal(parseRetryAfter('soon'), undefined);
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    assert.ok(Math.abs(parseRetryAfter(inOneMinute)! - 60) <= 1);
    assert.equal(parseRetryAfter(new Date(0).toUTCString()), 0);
  });
});

describe('isTandemApiError', () => {
  it('narrows by class and, when given, by code', () => {
    const error = new TandemApiError({ type: 'x', code: 'invite_not_found', status: 404, title: 't', detail: 'd' }, undefined);
    assert.equal(isTandemApiError(error), true);
    assert.equal(isTandemApiError(error, 'invite_not_found'), true);
    assert.equal(isTandemApiError(error, 'not_found'), false);
    assert.equal(isTandemApiError(new TandemConnectionError('down')), false);
    assert.equal(isTandemApiError({ code: 'invite_not_found' }), false);
  });
});
