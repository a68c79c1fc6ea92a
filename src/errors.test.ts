/**
 * @module The error catalogue (spec §7) and its one mapper to response bodies (src/http/error-body.ts):
 * statuses, names, the documentation, and what an unexpected error may reveal.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  badRequest,
  clientClosedRequest,
  contentModeration,
  ERROR_CODES,
  GatewayError,
  internalError,
  methodNotAllowed,
  noChannelAvailable,
  notFound,
  payloadTooLarge,
  paymentRequired,
  permissionDenied,
  rateLimited,
  unauthorized,
  upstreamError,
  upstreamTimeout,
  type ErrorCode,
} from './errors.js';
import { errorReply, toGatewayError } from './http/error-body.js';

const DOCS = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
const codes = Object.keys(ERROR_CODES) as ErrorCode[];
const REQUEST_ID = '0123456789abcdef0123456789abcdef';

describe('the error catalogue', () => {
  it('gives every code a 4xx/5xx status and a name equal to its key', () => {
    for (const code of codes) {
      const { status, name } = ERROR_CODES[code];
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status}`);
      assert.equal(name, code);
    }
  });

  it('has the statuses of spec §7', () => {
    const expected: Partial<Record<ErrorCode, number>> = {
      bad_request: 400,
      unauthorized: 401,
      payment_required: 402,
      content_moderation: 403,
      permission_denied: 403,
      not_found: 404,
      payload_too_large: 413,
      invalid_language: 422,
      public_figure: 422,
      rate_limit_exceeded: 429,
      internal_error: 500,
      upstream_error: 502,
      no_channel_available: 503,
      upstream_timeout: 504,
    };
    for (const [code, status] of Object.entries(expected)) assert.equal(ERROR_CODES[code as ErrorCode].status, status, code);
  });

  it('builds each GatewayError with its code, status, errors and headers', () => {
    const built: [GatewayError, ErrorCode][] = [
      [badRequest(['a: x', 'b: y']), 'bad_request'],
      [unauthorized(), 'unauthorized'],
      [paymentRequired('credits: short'), 'payment_required'],
      [contentModeration(), 'content_moderation'],
      [permissionDenied('model: no'), 'permission_denied'],
      [payloadTooLarge(), 'payload_too_large'],
      [rateLimited(2.2), 'rate_limit_exceeded'],
      [notFound('/x'), 'not_found'],
      [methodNotAllowed('PUT', ['GET', 'POST']), 'method_not_allowed'],
      [noChannelAvailable('sd3-large'), 'no_channel_available'],
      [upstreamError(), 'upstream_error'],
      [upstreamTimeout(), 'upstream_timeout'],
      [internalError(), 'internal_error'],
      [clientClosedRequest(), 'client_closed_request'],
    ];
    for (const [error, code] of built) {
      assert.ok(error instanceof GatewayError && error instanceof Error);
      assert.equal(error.code, code);
      assert.equal(error.status, ERROR_CODES[code].status);
      assert.ok(error.errors.length > 0, code);
      assert.equal(error.message, error.errors.join('; '));
    }
    assert.deepEqual(badRequest(['a: x', 'b: y']).errors, ['a: x', 'b: y']);
    assert.equal(rateLimited(2.2).headers['retry-after'], '3');
    assert.equal(rateLimited(0).headers['retry-after'], '1', 'Retry-After is at least one second');
    assert.equal(methodNotAllowed('PUT', ['GET', 'POST']).headers.allow, 'GET, POST');
    assert.match(contentModeration().errors[0]!, /not charged/);
  });

  it('documents every code in docs/errors.md', (t) => {
    if (!existsSync(DOCS)) {
      t.skip('docs/errors.md does not exist yet: nothing to check the catalogue against');
      return;
    }
    const docs = readFileSync(DOCS, 'utf8');
    const missing = codes.filter((code) => !docs.includes(code));
    assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
  });
});

describe('errorReply (src/http/error-body.ts)', () => {
  it('maps an unknown Error to a 500 internal_error that reveals nothing of it', () => {
    const thrown = new Error('SQLITE_CORRUPT at /var/lib/aigate/aigate.db, token sk-secret');
    const reply = errorReply(thrown, REQUEST_ID, 'v2');
    assert.equal(reply.status, 500);
    assert.equal(reply.expected, false);
    assert.deepEqual(reply.body, { id: REQUEST_ID, name: 'internal_error', errors: internalError().errors });
    assert.doesNotMatch(JSON.stringify(reply), /SQLITE|aigate\.db|sk-secret/);
    assert.deepEqual(reply.headers, {});
  });

  it('maps anything thrown that is not an Error to a 500 as well', () => {
    for (const thrown of ['a string', 42, null, undefined, { message: 'object' }]) {
      const reply = errorReply(thrown, REQUEST_ID, 'v2');
      assert.equal(reply.status, 500, String(thrown));
      assert.equal(reply.body.name, 'internal_error');
      assert.equal(reply.expected, false);
    }
  });

  it('maps a GatewayError to its status, name, errors and headers', () => {
    const reply = errorReply(rateLimited(7), REQUEST_ID, 'v2');
    assert.equal(reply.status, 429);
    assert.equal(reply.expected, true);
    assert.deepEqual(reply.headers, { 'retry-after': '7' });
    assert.deepEqual(reply.body, { id: REQUEST_ID, name: 'rate_limit_exceeded', errors: rateLimited(7).errors });

    const invalid = errorReply(new GatewayError('invalid_language', ['prompt: English only']), REQUEST_ID, 'v2');
    assert.equal(invalid.status, 422);
    assert.deepEqual(invalid.body, { id: REQUEST_ID, name: 'invalid_language', errors: ['prompt: English only'] });
  });

  it('does not share header or error objects with the GatewayError', () => {
    const error = methodNotAllowed('PUT', ['GET']);
    const reply = errorReply(error, REQUEST_ID, 'v2');
    reply.headers.extra = 'x';
    (reply.body.errors as string[]).push('more');
    assert.equal(error.headers.extra, undefined);
    assert.equal(error.errors.length, 1);
  });

  it('answers the v1 shape {id, name, message}', () => {
    const reply = errorReply(badRequest(['a: x', 'b: y']), REQUEST_ID, 'v1');
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body, { id: REQUEST_ID, name: 'bad_request', message: 'a: x; b: y' });
    const hidden = errorReply(new Error('secret'), REQUEST_ID, 'v1');
    assert.deepEqual(Object.keys(hidden.body).sort(), ['id', 'message', 'name']);
    assert.equal(hidden.body.name, 'internal_error');
    assert.doesNotMatch(String(hidden.body.message), /secret/);
  });

  it('maps framework client errors to the catalogue', () => {
    const tooLarge = toGatewayError(Object.assign(new Error('body too large'), { statusCode: 413 }));
    assert.equal(tooLarge.error.code, 'payload_too_large');
    assert.equal(tooLarge.expected, true);
    const media = toGatewayError(Object.assign(new Error('unsupported'), { statusCode: 415 }));
    assert.equal(media.error.code, 'bad_request');
    const parse = errorReply(Object.assign(new Error('Unexpected token } in JSON at 12'), { statusCode: 400 }), REQUEST_ID, 'v2');
    assert.equal(parse.status, 400);
    assert.equal(parse.body.name, 'bad_request');
    assert.doesNotMatch(JSON.stringify(parse.body), /Unexpected token/);
    const server = toGatewayError(Object.assign(new Error('boom'), { statusCode: 503 }));
    assert.equal(server.error.code, 'internal_error');
    assert.equal(server.expected, false);
  });
});
