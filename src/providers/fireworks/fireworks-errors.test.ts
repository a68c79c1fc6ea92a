/** @module How the Fireworks provider classifies Fireworks' answers, and how it checks its options. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import type { UpstreamAnswer } from '../http/upstream-http.js';
import { baseRequest } from '../provider-suite.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { failureOf, finishReasonOf, seedOf } from './answer.js';
import { createFireworksProvider, fireworksDefinition } from './index.js';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): UpstreamAnswer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
const envelope = (message: string, code: string, param: string | null = null) => ({ error: { message, param, code, type: 'error' }, request_id: 'r1' });

function failure(error: Error): UpstreamFailure {
  assert.ok(error instanceof UpstreamFailure, String(error));
  return error;
}

describe('fireworks error classification', () => {
  it('treats a refused key and a suspended account as the channel credentials', () => {
    const bad = failure(failureOf(answer(401, envelope('The API key you provided is invalid.', 'UNAUTHORIZED'))));
    assert.deepEqual([bad.kind, bad.status, bad.retryable], ['credentials', 401, true]);
    assert.match(bad.message, /The API key you provided is invalid/);
    const suspended = 'Account acme is suspended, possibly due to reaching the monthly spending limit or failure to pay past invoices.';
    assert.deepEqual([failure(failureOf(answer(412, envelope(suspended, 'PRECONDITION_FAILED')))).kind], ['credentials']);
    for (const status of [402, 403]) assert.equal(failure(failureOf(answer(status, envelope('no', 'PERMISSION_DENIED')))).kind, 'credentials');
  });

  it('reads the flat 429 envelope as a rate limit', () => {
    const limited = failure(failureOf(answer(429, { error: 'Too Many Requests', message: 'You have exceeded your usage limits.' })));
    assert.deepEqual([limited.kind, limited.status, limited.message], ['rate_limited', 429, 'fireworks answered 429: You have exceeded your usage limits.']);
  });

  it('turns a 400 or 422 into the caller\'s bad_request, in the station field names', () => {
    const named = failureOf(answer(400, envelope('prompt: the prompt is too long', 'INVALID_ARGUMENT', 'prompt')));
    assert.ok(named instanceof GatewayError);
    assert.deepEqual([named.code, named.errors], ['bad_request', ['prompt: the prompt is too long']]);
    const pydantic = failureOf(answer(422, { detail: [{ loc: ['body', 'guidance_scale'], msg: 'ensure this value is less than or equal to 20' }] }));
    assert.ok(pydantic instanceof GatewayError);
    assert.deepEqual(pydantic.errors, ['cfg_scale: ensure this value is less than or equal to 20']);
    const anonymous = failureOf(answer(400, 'not json at all'));
    assert.ok(anonymous instanceof GatewayError);
    assert.deepEqual(anonymous.errors, ['request: not json at all']);
  });

  it('fails over on 5xx and on an unknown model, and never on an undocumented 2xx', () => {
    for (const status of [500, 502, 503, 404]) {
      const error = failure(failureOf(answer(status, envelope('Internal server error', 'INTERNAL'))));
      assert.deepEqual([error.kind, error.retryable, error.status], ['server_error', true, status]);
    }
    assert.deepEqual([failure(failureOf(answer(202, {}))).kind, failure(failureOf(answer(202, {}))).retryable], ['broken', false]);
  });

  it('reads Finish-Reason and Seed, refusing an unknown finish reason', () => {
    assert.equal(finishReasonOf(answer(200, '', {})), 'SUCCESS');
    assert.equal(finishReasonOf(answer(200, '', { 'finish-reason': 'CONTENT_FILTERED' })), 'CONTENT_FILTERED');
    assert.throws(() => finishReasonOf(answer(200, '', { 'finish-reason': 'ERROR' })), (e) => e instanceof UpstreamFailure && e.kind === 'broken');
    assert.equal(seedOf(answer(200, '', { seed: '42' }), 7), 42);
    for (const bad of ['0', 'x', '4294967295']) assert.equal(seedOf(answer(200, '', { seed: bad }), 7), 7);
    assert.equal(seedOf(answer(200, ''), 7), 7);
  });

  it('refuses a channel without a key before calling anything', async () => {
    const provider = createFireworksProvider({ baseUrl: 'http://127.0.0.1:9', credentials: null, modelMap: {}, options: {} });
    const error = await provider.generate(baseRequest(), { signal: AbortSignal.timeout(5000) }).catch((e: unknown) => e);
    assert.ok(error instanceof UpstreamFailure && error.kind === 'credentials' && !error.sent);
  });
});

describe('fireworks options', () => {
  const check = (options: Record<string, unknown>) => fireworksDefinition.checkOptions!(options);

  it('accepts the CLI text forms and real values', () => {
    for (const options of [{}, { steps: '28', safetyCheck: 'false', api: 'auto' }, { steps: 4, safetyCheck: true, api: 'image_generation' }]) check(options);
    assert.deepEqual([fireworksDefinition.needsCredentials, fireworksDefinition.defaultBaseUrl], [true, 'https://api.fireworks.ai']);
  });

  it('names the bad option', () => {
    assert.throws(() => check({ steps: '0' }), /option steps/);
    assert.throws(() => check({ steps: 2.5 }), /option steps/);
    assert.throws(() => check({ safetyCheck: 'yes' }), /option safetyCheck/);
    assert.throws(() => check({ api: 'v2' }), /option api/);
    assert.throws(() => check({ step: 28 }), /option step: unknown/);
  });
});
