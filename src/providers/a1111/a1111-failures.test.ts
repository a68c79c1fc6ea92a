/** @module Unit tests of a1111 error classification, option checking, and the simulator's real error bodies. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { GatewayError } from '../../errors.js';
import { startA1111Simulator } from '../../../test/simulators/a1111.js';
import type { Simulator } from '../../../test/simulators/sim-kit.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { failureFor } from './failures.js';
import { checkA1111Options } from './options.js';

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const webuiError = (status: number, detail: string) => body({ error: 'HTTPException', detail, body: '', errors: `${status}: ${detail}` });

function upstream(error: Error): [string, number | undefined, boolean] {
  assert.ok(error instanceof UpstreamFailure, String(error));
  return [error.kind, error.status, error.retryable];
}

function refusal(error: Error): [string, readonly string[]] {
  assert.ok(error instanceof GatewayError, String(error));
  return [error.code, error.errors];
}

describe('a1111 failure classification', () => {
  it('maps refused credentials, rate limits and server faults to failures that fail over', () => {
    assert.deepEqual(upstream(failureFor(401, webuiError(401, 'Incorrect username or password'))), ['credentials', 401, true]);
    assert.deepEqual(upstream(failureFor(403, body('<html>forbidden</html>'))), ['credentials', 403, true]);
    assert.deepEqual(upstream(failureFor(429, body('<html>429</html>'))), ['rate_limited', 429, true]);
    const oom = failureFor(500, body({ error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory.' }));
    assert.deepEqual(upstream(oom), ['server_error', 500, true]);
    assert.equal(oom.message, 'a1111 answered 500 (OutOfMemoryError: CUDA out of memory.)');
    assert.deepEqual(upstream(failureFor(404, body({ detail: 'Not Found' }))), ['server_error', 404, true]);
    assert.deepEqual(upstream(failureFor(502, body('<html>bad gateway</html>'))), ['server_error', 502, true]);
  });

  it('turns 400 and FastAPI 422 into bad_request with the upstream words, in station field names', () => {
    assert.deepEqual(refusal(failureFor(400, webuiError(400, 'Sampler not found'))), ['bad_request', ['request: Sampler not found']]);
    assert.deepEqual(refusal(failureFor(400, body({ detail: 'Bad thing' }))), ['bad_request', ['request: Bad thing']]);
    const validation = {
      detail: [
        { loc: ['body', 'denoising_strength'], msg: 'value is not a valid float', type: 'type_error.float' },
        { loc: ['body', 'prompt'], msg: 'str type expected', type: 'type_error.str' },
        { loc: ['body'], msg: 'field required', type: 'value_error.missing' },
      ],
    };
    assert.deepEqual(refusal(failureFor(422, body(validation))), [
      'bad_request',
      ['strength: value is not a valid float', 'prompt: str type expected', 'body: field required'],
    ]);
    assert.deepEqual(refusal(failureFor(422, body('oops'))), ['bad_request', ['request: the upstream refused the request']]);
    assert.equal(refusal(failureFor(413, body('<html>413</html>')))[0], 'payload_too_large');
  });
});

describe('a1111 options', () => {
  it('resolves defaults and reads CLI text', () => {
    assert.deepEqual(checkA1111Options({}), { steps: 28, sampler: 'Euler', scheduler: undefined, overrideSettings: {} });
    assert.deepEqual(checkA1111Options({ steps: '30', sampler: 'Euler a', scheduler: 'Karras', overrideSettings: { CLIP_stop_at_last_layers: 2 } }), {
      steps: 30, sampler: 'Euler a', scheduler: 'Karras', overrideSettings: { CLIP_stop_at_last_layers: 2 },
    });
  });

  it('names the bad option', () => {
    assert.throws(() => checkA1111Options({ steps: 0 }), /"steps"/);
    assert.throws(() => checkA1111Options({ steps: '2.5' }), /"steps"/);
    assert.throws(() => checkA1111Options({ sampler: '' }), /"sampler"/);
    assert.throws(() => checkA1111Options({ scheduler: 7 }), /"scheduler"/);
    assert.throws(() => checkA1111Options({ overrideSettings: '[1]' }), /"overrideSettings"/);
    assert.throws(() => checkA1111Options({ cfg: 3 }), /unknown option "cfg"/);
  });
});

describe('a1111 simulator speaks the webui protocol', () => {
  let sim: Simulator;
  before(async () => (sim = await startA1111Simulator({ credentials: 'user:pass' })));
  after(() => sim.close());
  const post = async (payload: string, headers: Record<string, string>) => {
    const answer = await request(`${sim.url}/sdapi/v1/txt2img`, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', ...headers } });
    return [answer.statusCode, await answer.body.json()];
  };
  const auth = (pair: string) => ({ authorization: `Basic ${Buffer.from(pair).toString('base64')}` });

  it('refuses missing and wrong Basic credentials as --api-auth does', async () => {
    assert.deepEqual(await post('{}', {}), [401, { error: 'HTTPException', detail: 'Not authenticated', body: '', errors: '401: Not authenticated' }]);
    assert.deepEqual(await post('{}', auth('user:nope')), [401, { error: 'HTTPException', detail: 'Incorrect username or password', body: '', errors: '401: Incorrect username or password' }]);
  });

  it('validates types like pydantic v1 and ignores unknown fields', async () => {
    const [status, answer] = await post(JSON.stringify({ prompt: 'x', steps: 'many', override_settings: [] }), auth('user:pass'));
    assert.deepEqual([status, answer], [422, { detail: [
      { loc: ['body', 'steps'], msg: 'value is not a valid integer', type: 'type_error.integer' },
      { loc: ['body', 'override_settings'], msg: 'value is not a valid dict', type: 'type_error.dict' },
    ] }]);
    const [ok, result] = await post(JSON.stringify({ prompt: 'x', seed: 42, width: 64, height: 64, no_such_field: true }), auth('user:pass'));
    assert.equal(ok, 200);
    assert.equal(JSON.parse((result as { info: string }).info).seed, 42);
  });
});
